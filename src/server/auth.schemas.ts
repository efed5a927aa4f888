// Request and response bodies of the login and operator-account endpoints (the OpenAPI document is built
// from these).
import { z } from 'zod';
import { OPERATOR_ROLES } from '../storage/schema/index.ts';
import { MIN_PASSWORD_LENGTH, passwordProblem } from './auth.password.ts';

export const loginBody = z
  .object({
    email: z.string({ error: 'email is required' }).trim().min(3).max(254),
    password: z.string({ error: 'password is required' }).min(1, 'password must not be empty').max(256),
  })
  .strict();

export const operatorBody = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(OPERATOR_ROLES),
  createdAt: z.string(),
});

export const loginResponse = z.object({
  token: z.string().describe('bearer token: send it as Authorization: Bearer <token>'),
  expiresAt: z.string().describe('ISO time after which the token no longer works'),
  operator: operatorBody,
});

/** A password a person chooses: long enough and not a guessable one (auth.password.ts). */
export const passwordField = z
  .string({ error: 'password is required' })
  .min(MIN_PASSWORD_LENGTH, `password must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(256)
  .superRefine((password, ctx) => {
    const problem = passwordProblem(password);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const newOperatorBody = z
  .object({
    email: z.email({ error: 'email must be an e-mail address' }).max(254),
    displayName: z.string({ error: 'displayName is required' }).trim().min(1).max(100),
    password: passwordField,
    role: z.enum(OPERATOR_ROLES).default('agent'),
  })
  .strict();

/** A colleague as an agent sees them: a name to show and to assign to, not their e-mail (admins get that). */
export const teammateBody = operatorBody.pick({ id: true, displayName: true, role: true }).extend({
  email: z.string().optional().describe('admins only'),
  createdAt: z.string().optional().describe('admins only'),
});

export const operatorListResponse = z.object({ operators: z.array(teammateBody) });

export const clearThrottleBody = z
  .object({
    ip: z.string({ error: 'ip is required: the address whose login block to clear' }).trim().min(1).max(64),
    email: z.string().trim().min(3).max(254).optional(),
  })
  .strict();
