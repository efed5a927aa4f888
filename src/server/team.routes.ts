// The team: who is online, away or offline (each operator sets their own), and for admins the account
// changes: role, capacity for automatic assignment, deactivation and a password reset. Deactivating or
// resetting revokes every token of the account at once, and its open console streams end.
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { OPERATORS_CHANNEL, type Realtime } from '../engine/realtime.port.ts';
import { AVAILABILITIES, OPERATOR_ROLES } from '../storage/schema/index.ts';
import type { OperatorDirectory } from './auth.operators.ts';
import { operatorOf } from './auth.routes.ts';
import { passwordField } from './auth.schemas.ts';
import { sendError } from './http.errors.ts';
import type { Presence } from './operator.presence.ts';
import { type Route, route } from './route.table.ts';

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

/** 16 random bytes in base64url: far past the password rules, and unguessable. */
const generatedPassword = () => randomBytes(16).toString('base64url');

const operatorPath = {
  params: z.object({ id: z.string().uuid() }),
  notFound: { code: 'operator_not_found', message: 'No active operator with this id.' },
};

export function teamRoutes(options: {
  directory: OperatorDirectory;
  presence: Presence;
  realtime: Realtime;
  logger: Logger;
  /** Called when an operator goes online: waiting chats may now be assigned. */
  onOnline?: () => Promise<unknown>;
}): Route[] {
  const { directory, presence, realtime, logger } = options;
  const tags = ['operator'];

  async function accountChanged(operatorId: string, change: string) {
    await realtime
      .publish(OPERATORS_CHANNEL, {
        sessionId: '',
        seq: 0,
        kind: 'operator',
        payload: { operatorId, change },
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'account change not announced'));
  }

  /** The target account for an admin's change, or null with the 404 already sent. */
  async function target(res: Response, id: string) {
    const account = await directory.account(id);
    if (!account?.active) {
      sendError(res, 404, operatorPath.notFound.code, operatorPath.notFound.message);
      return null;
    }
    return account;
  }

  const lastAdmin = (res: Response, what: string) =>
    sendError(
      res,
      409,
      'last_admin',
      `This is the only admin: make another operator an admin before you ${what}.`,
    );

  return [
    route({
      method: 'get',
      path: '/api/v1/team',
      summary:
        'The active operators with their availability (offline while no console is open) and open chats',
      tags,
      auth: 'operator',
      responses: { '200': { description: 'Team', schema: z.object({ operators: z.array(teamMember) }) } },
      handler: async ({ res }) => {
        res.json({ operators: await presence.team() });
      },
    }),
    route({
      method: 'put',
      path: '/api/v1/operators/me/availability',
      summary: "Set one's own availability: online, away or offline",
      tags,
      auth: 'operator',
      body: availabilityBody,
      responses: { '200': { description: 'Set', schema: availabilityBody } },
      handler: async ({ res, body }) => {
        const me = operatorOf(res);
        await presence.set(me.id, body.availability);
        logger.info({ operatorId: me.id, availability: body.availability }, 'availability set');
        await accountChanged(me.id, 'availability');
        if (body.availability === 'online')
          void options
            .onOnline?.()
            .catch((error: unknown) => logger.warn({ err: error }, 'assigning waiting chats failed'));
        res.json({ availability: body.availability });
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/operators/{id}',
      summary: "Change an operator's role or capacity (admins only; never the last admin's role)",
      tags,
      auth: 'admin',
      body: operatorChangeBody,
      ...operatorPath,
      responses: {
        '200': { description: 'Changed', schema: z.object({ operator: teamMember }) },
        '409': { description: 'The last admin' },
      },
      handler: async ({ res, body, params }) => {
        const account = await target(res, params.id);
        if (!account) return;
        const { role, capacity } = body;
        if (role === 'agent' && account.role === 'admin' && !(await directory.hasOtherAdmin(account.id)))
          return lastAdmin(res, 'make this one an agent');
        if (role) await directory.setRole(account.id, role);
        if (capacity !== undefined) await presence.setCapacity(account.id, capacity);
        logger.info({ operatorId: account.id, role, capacity, by: operatorOf(res).id }, 'operator changed');
        await accountChanged(account.id, 'role');
        res.json({ operator: (await presence.team()).find((m) => m.id === account.id) });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/operators/{id}/deactivate',
      summary: 'Deactivate an operator: no login from now on, every token revoked (admins only)',
      tags,
      auth: 'admin',
      ...operatorPath,
      responses: {
        '204': { description: 'Deactivated' },
        '409': { description: 'Oneself, or the last admin' },
      },
      handler: async ({ res, params }) => {
        const account = await target(res, params.id);
        if (!account) return;
        if (account.id === operatorOf(res).id)
          return sendError(
            res,
            409,
            'own_account',
            'You cannot deactivate your own account: ask another admin.',
          );
        if (account.role === 'admin' && !(await directory.hasOtherAdmin(account.id)))
          return lastAdmin(res, 'deactivate this one');
        await directory.deactivate(account.id);
        logger.info({ operatorId: account.id, by: operatorOf(res).id }, 'operator deactivated');
        await accountChanged(account.id, 'deactivated');
        res.status(204).end();
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/operators/{id}/password',
      summary:
        "Reset an operator's password (admins only): the given one, or a generated one answered once; their tokens are revoked",
      tags,
      auth: 'admin',
      body: passwordResetBody,
      bodyOptional: true,
      ...operatorPath,
      responses: {
        '200': {
          description: 'Reset',
          schema: z.object({ reset: z.literal(true), password: z.string().optional() }),
        },
      },
      handler: async ({ res, body, params }) => {
        const account = await target(res, params.id);
        if (!account) return;
        const password = body.password ?? generatedPassword();
        await directory.setPassword(account.id, password);
        logger.info({ operatorId: account.id, by: operatorOf(res).id }, 'operator password reset');
        await accountChanged(account.id, 'password');
        // The generated one is answered once and never stored in clear; a chosen one is not echoed.
        res.json(body.password ? { reset: true } : { reset: true, password });
      },
    }),
  ];
}
