// Request and response bodies of the widget API. The OpenAPI document is generated from these.
import { z } from 'zod';
import { chatMessageSchema, publicButtonSchema } from '../engine/turn.types.ts';

export const sessionIdParam = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'a session id is 8-64 letters, digits, _ or -');

const clientMessageId = z
  .string({
    error: 'clientMessageId is required: a unique id per message, reused when the same message is re-sent',
  })
  .min(1, 'clientMessageId must not be empty')
  .max(100, 'clientMessageId is at most 100 characters');

export const startSessionBody = z
  .object({
    visitor: z
      .object({
        name: z.string().trim().min(1).max(100).optional(),
        email: z.string().email().max(254).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export function sendMessageBody(maxChars: number) {
  return z.union(
    [
      z
        .object({
          clientMessageId,
          text: z
            .string({ error: 'text must be a string' })
            .trim()
            .min(1, 'text must not be empty')
            .max(maxChars, `text is at most ${maxChars} characters`),
        })
        .strict(),
      z.object({ clientMessageId, button: z.string().min(1).max(64) }).strict(),
    ],
    { error: 'send {clientMessageId, text} or {clientMessageId, button}' },
  );
}

export const widgetMessageSchema = chatMessageSchema
  .omit({ agentId: true })
  .extend({ author: z.string().optional().describe("the operator's display name, on operator messages") });
export type WidgetMessage = z.infer<typeof widgetMessageSchema>;

export const turnResponseBody = z.object({
  sessionId: z.string(),
  seq: z.number().int().describe('turn sequence number of this session'),
  state: z.string().describe('dotted state path, e.g. escalated.queued'),
  owner: z.enum(['bot', 'human']),
  replies: z.array(chatMessageSchema).describe('what the bot, the system or an operator said in this turn'),
  messages: z.array(chatMessageSchema).describe("every message this turn added, the visitor's own included"),
  buttons: z.array(publicButtonSchema),
});

export const startSessionResponse = turnResponseBody.extend({
  token: z.string().describe('bearer token for this session: send it as Authorization: Bearer <token>'),
});

export const sessionViewResponse = z.object({
  sessionId: z.string(),
  state: z.string(),
  owner: z.enum(['bot', 'human']),
  messages: z.array(widgetMessageSchema),
  buttons: z.array(publicButtonSchema),
  category: z.string().nullable(),
  sentiment: z.object({ label: z.string(), score: z.number() }),
  priority: z.string(),
  agentName: z
    .string()
    .nullable()
    .describe('display name of the operator the visitor is handed to, once one has taken the chat'),
});

export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
