// Whether an operator may read a conversation, for the routes that have only its id (trace, diagram,
// typing, the operator stream): the rule is the engine's policy (`operatorMayRead`), the facts come from
// the stored snapshot.
import type { Response } from 'express';
import { type OperatorActor, operatorMayRead, type ReadFacts } from '../engine/conversation.policy.ts';
import { sendError } from './http.errors.ts';

export type ReadAccess =
  | { outcome: 'ok'; facts: ReadFacts }
  | { outcome: 'not_found' }
  | { outcome: 'forbidden'; message: string };

export type ReadAccessCheck = (actor: OperatorActor, sessionId: string) => Promise<ReadAccess>;

export function readAccessOf(actor: OperatorActor, facts: ReadFacts | null): ReadAccess {
  if (!facts) return { outcome: 'not_found' };
  const may = operatorMayRead(actor, facts);
  return may.allowed ? { outcome: 'ok', facts } : { outcome: 'forbidden', message: may.message };
}

export function createReadAccess(engine: {
  readFacts(sessionId: string): Promise<ReadFacts | null>;
}): ReadAccessCheck {
  return async (actor, sessionId) => readAccessOf(actor, await engine.readFacts(sessionId));
}

/** 404 for an id that names no conversation, 403 with the policy's reason for one the operator may not read. */
export function sendReadRefusal(res: Response, access: Exclude<ReadAccess, { outcome: 'ok' }>): void {
  if (access.outcome === 'not_found')
    sendError(res, 404, 'conversation_not_found', 'No conversation with this id.');
  else sendError(res, 403, 'forbidden', access.message);
}
