// An admin's changes to an operator account: role and capacity, deactivation, a password reset. The last
// admin is never demoted or deactivated; deactivating or resetting revokes every token of the account, and
// the announcement ends its open console streams.
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import type { z } from 'zod';
import { OPERATORS_CHANNEL } from '../engine/realtime.port.ts';
import { operatorOf } from './auth.routes.ts';
import { sendError } from './http.errors.ts';
import type { TeamRoutesOptions } from './team.routes.ts';
import type { operatorChangeBody, passwordResetBody } from './team.schemas.ts';

export const OPERATOR_NOT_FOUND = { code: 'operator_not_found', message: 'No active operator with this id.' };

type AccountDeps = Pick<TeamRoutesOptions, 'directory' | 'realtime' | 'logger'>;

/** 16 random bytes in base64url: far past the password rules, and unguessable. */
const generatedPassword = () => randomBytes(16).toString('base64url');

/** Tells every console that an account changed (a failure is logged: the change stands). */
export async function announceAccountChange(
  { realtime, logger }: Pick<TeamRoutesOptions, 'realtime' | 'logger'>,
  operatorId: string,
  change: string,
) {
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
async function activeAccount({ directory }: AccountDeps, res: Response, id: string) {
  const account = await directory.account(id);
  if (!account?.active) {
    sendError(res, 404, OPERATOR_NOT_FOUND.code, OPERATOR_NOT_FOUND.message);
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

export async function changeOperator(
  deps: AccountDeps & Pick<TeamRoutesOptions, 'presence'>,
  res: Response,
  id: string,
  { role, capacity }: z.output<typeof operatorChangeBody>,
) {
  const { directory, presence } = deps;
  const account = await activeAccount(deps, res, id);
  if (!account) return;
  if (role === 'agent' && account.role === 'admin' && !(await directory.hasOtherAdmin(account.id)))
    return lastAdmin(res, 'make this one an agent');
  if (role) await directory.setRole(account.id, role);
  if (capacity !== undefined) await presence.setCapacity(account.id, capacity);
  deps.logger.info({ operatorId: account.id, role, capacity, by: operatorOf(res).id }, 'operator changed');
  await announceAccountChange(deps, account.id, 'role');
  res.json({ operator: (await presence.team()).find((m) => m.id === account.id) });
}

export async function deactivateOperator(deps: AccountDeps, res: Response, id: string) {
  const account = await activeAccount(deps, res, id);
  if (!account) return;
  if (account.id === operatorOf(res).id)
    return sendError(res, 409, 'own_account', 'You cannot deactivate your own account: ask another admin.');
  if (account.role === 'admin' && !(await deps.directory.hasOtherAdmin(account.id)))
    return lastAdmin(res, 'deactivate this one');
  await deps.directory.deactivate(account.id);
  deps.logger.info({ operatorId: account.id, by: operatorOf(res).id }, 'operator deactivated');
  await announceAccountChange(deps, account.id, 'deactivated');
  res.status(204).end();
}

export async function resetOperatorPassword(
  deps: AccountDeps,
  res: Response,
  id: string,
  body: z.output<typeof passwordResetBody>,
) {
  const account = await activeAccount(deps, res, id);
  if (!account) return;
  const password = body.password ?? generatedPassword();
  await deps.directory.setPassword(account.id, password);
  deps.logger.info({ operatorId: account.id, by: operatorOf(res).id }, 'operator password reset');
  await announceAccountChange(deps, account.id, 'password');
  // The generated one is answered once and never stored in clear; a chosen one is not echoed.
  res.json(body.password ? { reset: true } : { reset: true, password });
}
