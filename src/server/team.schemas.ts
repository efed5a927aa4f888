// Request and response bodies of the team API; the OpenAPI document is made from these.
import { z } from 'zod';
import { AVAILABILITIES, OPERATOR_ROLES } from '../storage/schema/index.ts';
import { passwordField } from './auth.schemas.ts';

export const availabilityBody = z
  .object({
    availability: z.enum(AVAILABILITIES, {
      error: `availability is one of ${AVAILABILITIES.join(', ')}`,
    }),
  })
  .strict();

export const operatorChangeBody = z
  .object({
    role: z.enum(OPERATOR_ROLES, { error: `role is one of ${OPERATOR_ROLES.join(', ')}` }).optional(),
    capacity: z
      .number({ error: 'capacity is a whole number of live chats (or null for the default)' })
      .int()
      .min(0)
      .max(50)
      .nullable()
      .optional(),
  })
  .strict()
  .refine((b) => b.role !== undefined || b.capacity !== undefined, {
    message: 'send role and/or capacity to change',
  });

/** Without a password, one is generated and answered once, for the admin to pass on. */
export const passwordResetBody = z.object({ password: passwordField.optional() }).strict();

export const teamMember = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(OPERATOR_ROLES),
  availability: z.enum(AVAILABILITIES).describe('offline while no console of theirs is open'),
  capacity: z
    .number()
    .nullable()
    .describe('live chats automatic assignment gives them at most; null: default'),
  openChats: z.number(),
});
