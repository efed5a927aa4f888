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

const webUrl = (what: string) =>
  z
    .string()
    .max(2048, `${what} is at most 2048 characters`)
    .refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), `${what} must be an http(s) address`);

const isTimeZone = (v: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: v });
    return true;
  } catch {
    return false;
  }
};

/** What the widget reads from the visitor's browser at the start: shown to operators, never to the bot. */
export const visitorBrowserSchema = z
  .object({
    pageUrl: webUrl('pageUrl').optional(),
    referrer: webUrl('referrer').optional(),
    userAgent: z.string().trim().min(1).max(512, 'userAgent is at most 512 characters').optional(),
    timeZone: z
      .string()
      .max(64, 'timeZone is at most 64 characters')
      .refine(isTimeZone, 'timeZone must be an IANA time zone such as Europe/Madrid')
      .optional(),
    locale: z
      .string()
      .max(35, 'locale is at most 35 characters')
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'locale must be a language tag such as es-ES')
      .optional(),
  })
  .strict();

export const startSessionBody = z
  .object({
    visitor: z
      .object({
        name: z
          .string({ error: 'name must be text' })
          .trim()
          .min(1, 'name must not be empty')
          .max(100, 'name is at most 100 characters')
          .optional(),
        email: z
          .email({ error: 'email must be an e-mail address such as ana@example.com' })
          .max(254, 'email is at most 254 characters')
          .optional(),
      })
      .strict()
      .optional(),
    language: z
      .string()
      .regex(/^[a-z]{2,3}$/, 'language is a two- or three-letter code such as es')
      .optional()
      .describe('the language the widget is shown in; the bot answers in it when there is content for it'),
    browser: visitorBrowserSchema.optional(),
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
