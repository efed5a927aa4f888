// An operator action is an event through `engine.handle`, like a visitor message: the same ordering,
// atomicity and trace. The engine's policy answers who may do what (403 / 409 as values); only the
// console's "ended" rule for a manual escalation is checked here first.
import type { Response } from 'express';
import type { Logger } from 'pino';
import { consoleRefusal } from '../engine/conversation.policy.ts';
import type { Engine } from '../engine/engine.ts';
import type { HandleResult, OperatorCommand } from '../engine/inbound.ts';
import type { Operator } from './auth.operators.ts';
import { sendError, sendOutcome } from './http.errors.ts';

const conversationNotFound = (res: Response) =>
  sendError(res, 404, 'conversation_not_found', 'No conversation with this id.');

/** Runs the command on conversation `id` as `operator` and answers the committed turn, or why not. */
export async function runOperatorCommand(
  { engine, logger }: { engine: Engine; logger: Logger },
  res: Response,
  id: string,
  operator: Operator,
  command: OperatorCommand,
  clientMessageId?: string,
): Promise<void> {
  // An agent's resolve of a chat nobody took is the engine policy's 403 (conversation.policy.ts); only
  // the console's "ended" rule for escalations is checked here.
  if (command.action === 'escalate') {
    const view = await engine.view(id, null);
    if (view.outcome !== 'ok') return conversationNotFound(res);
    const facts = { state: view.state, assignedAgentId: view.snapshot.context.assignedAgentId };
    const refusal = consoleRefusal(command.action, facts, {
      operatorId: operator.id,
      role: operator.role,
    });
    if (refusal) return sendError(res, 409, 'not_allowed_in_state', refusal, { state: view.state });
  }
  const result: HandleResult = await engine.handle(id, {
    kind: 'operator',
    operatorId: operator.id,
    role: operator.role,
    ...(clientMessageId ? { clientMessageId } : {}),
    command,
  });
  if (result.outcome === 'not_found') return conversationNotFound(res);
  if (result.outcome === 'ok')
    logger.info(
      { sessionId: id, operatorId: operator.id, action: command.action, state: result.response.state },
      'operator action',
    );
  sendOutcome(res, result);
}
