// SalesIQ Zobot webhook payloads ⇄ ours. SalesIQ calls the bot with a `handler` (`trigger` when the visitor
// opens the chat, `message` for each visitor message — `operation` `chat` for the first, `message` after —
// and `context` when a form the bot asked for is complete) and waits up to 5 s for the answer:
// `{"action":"reply","replies":[…],"suggestions":[…]}`, or `{"action":"forward",…,"department":id}` to hand the
// chat to a SalesIQ operator in SalesIQ itself.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { TurnResponse } from '../../engine/turn.types.ts';
import type { ChannelInbound, ChannelProfile } from '../channel.port.ts';

export const zobotRequestSchema = z.looseObject({
  handler: z.enum(['trigger', 'message', 'context']),
  operation: z.string().optional(),
  org_id: z.union([z.string(), z.number()]).optional(),
  visitor: z.looseObject({
    id: z.union([z.string(), z.number()]).optional(),
    active_conversation_id: z.union([z.string(), z.number()]).optional(),
    name: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
  }),
  message: z
    .looseObject({ text: z.string().optional(), id: z.union([z.string(), z.number()]).optional() })
    .optional(),
  request: z.looseObject({ id: z.union([z.string(), z.number()]).optional() }).optional(),
  context_id: z.string().optional(),
  answers: z.unknown().optional(),
});
export type ZobotRequest = z.infer<typeof zobotRequestSchema>;

export type ZobotReply =
  | { action: 'reply'; replies: string[]; suggestions?: string[] }
  | { action: 'forward'; replies: string[]; department?: string };

/** The conversation SalesIQ is talking about: its active conversation id, else the visitor's id. */
export function zobotExternalId(request: ZobotRequest): string | null {
  const id = request.visitor.active_conversation_id ?? request.visitor.id;
  return id === undefined || String(id).trim() === '' ? null : String(id);
}

export function zobotProfile(request: ZobotRequest): ChannelProfile {
  const v = request.visitor;
  return {
    ...(v.name ? { name: v.name } : {}),
    ...(v.email ? { email: v.email } : {}),
    ...(v.phone ? { phone: v.phone } : {}),
  };
}

/**
 * The visitor message of a `message` request. SalesIQ's payload names no message id everywhere, so the
 * request's own id, else the message's, else a hash of the exact body (a retried request is the same bytes).
 */
export function zobotInbound(
  request: ZobotRequest,
  externalId: string,
  rawBody: Buffer,
): ChannelInbound | null {
  const text = request.message?.text;
  if (typeof text !== 'string' || text.trim() === '') return null;
  const id =
    request.request?.id ?? request.message?.id ?? createHash('sha256').update(rawBody).digest('base64url');
  return {
    channel: 'salesiq',
    externalId,
    clientMessageId: `zobot:${String(id)}`,
    content: { text },
    profile: zobotProfile(request),
  };
}

/** The Zobot answer for a turn: its replies and buttons, or a forward when this turn handed the chat over. */
export function toZobotReply(response: TurnResponse, department: string | null): ZobotReply {
  const replies = response.replies.map((r) => r.text);
  const handedOver =
    response.owner === 'human' && response.state === 'escalated.queued' && replies.length > 0;
  if (handedOver) return { action: 'forward', replies, ...(department ? { department } : {}) };
  if (response.owner === 'human') return { action: 'reply', replies };
  const suggestions = response.buttons.map((b) => b.label);
  return { action: 'reply', replies, ...(suggestions.length > 0 ? { suggestions } : {}) };
}
