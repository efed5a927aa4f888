// What the realtime events carry, as the event streams read them: each payload is parsed before it is
// forwarded, so a malformed one from another process is dropped rather than sent on.
import { z } from 'zod';
import { chatMessageSchema, publicButtonSchema } from '../engine/turn.types.ts';

export const turnPayloadSchema = z.object({
  state: z.string(),
  owner: z.enum(['bot', 'human']),
  messages: z.array(chatMessageSchema),
  buttons: z.array(publicButtonSchema),
});

/** The operators' channel copy of a turn also says who holds the conversation (for each stream's scope). */
export const operatorTurnPayloadSchema = turnPayloadSchema.extend({ assignedAgentId: z.string().nullable() });

/** Notices about the shared work queues (a new ticket, a requester's answer, a callback due): every operator works those. */
export const sharedWork = (payload: unknown) =>
  z.object({ kind: z.enum(['ticket', 'ticket_answer', 'callback_due']) }).safeParse(payload).success;

export const typingPayloadSchema = z.object({ role: z.enum(['visitor', 'operator']), typing: z.boolean() });

/** An operator account changed (team.routes.ts): a console stream opened with a revoked token ends. */
export const operatorChangePayloadSchema = z.object({ operatorId: z.string(), change: z.string() });
