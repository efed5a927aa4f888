// The team: who is online, away or offline (each operator sets their own), and for admins the account
// changes: role, capacity for automatic assignment, deactivation and a password reset. Deactivating or
// resetting revokes every token of the account at once, and its open console streams end.
import type { Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Realtime } from '../engine/realtime.port.ts';
import type { OperatorDirectory } from './auth.operators.ts';
import { operatorOf } from './auth.routes.ts';
import type { Presence } from './operator.presence.ts';
import { type Route, route } from './route.table.ts';
import {
  announceAccountChange,
  changeOperator,
  deactivateOperator,
  OPERATOR_NOT_FOUND,
  resetOperatorPassword,
} from './team.accounts.ts';
import { availabilityBody, operatorChangeBody, passwordResetBody, teamMember } from './team.schemas.ts';

export interface TeamRoutesOptions {
  directory: OperatorDirectory;
  presence: Presence;
  realtime: Realtime;
  logger: Logger;
  /** Called when an operator goes online: waiting chats may now be assigned. */
  onOnline?: () => Promise<unknown>;
}

const operatorPath = { params: z.object({ id: z.string().uuid() }), notFound: OPERATOR_NOT_FOUND };

const tags = ['operator'];

/** Each operator sets their own; going online may let waiting chats be assigned to them. */
async function setOwnAvailability(
  deps: TeamRoutesOptions,
  res: Response,
  availability: z.output<typeof availabilityBody>['availability'],
) {
  const { presence, logger } = deps;
  const me = operatorOf(res);
  await presence.set(me.id, availability);
  logger.info({ operatorId: me.id, availability }, 'availability set');
  await announceAccountChange(deps, me.id, 'availability');
  if (availability === 'online')
    void deps
      .onOnline?.()
      .catch((error: unknown) => logger.warn({ err: error }, 'assigning waiting chats failed'));
  res.json({ availability });
}

export function teamRoutes(options: TeamRoutesOptions): Route[] {
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
        res.json({ operators: await options.presence.team() });
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
      handler: ({ res, body }) => setOwnAvailability(options, res, body.availability),
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
      handler: ({ res, body, params }) => changeOperator(options, res, params.id, body),
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
      handler: ({ res, params }) => deactivateOperator(options, res, params.id),
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
      handler: ({ res, body, params }) => resetOperatorPassword(options, res, params.id, body),
    }),
  ];
}
