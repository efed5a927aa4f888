// Request and response bodies of the operator API (escalation queue, conversation view, operator actions):
// the route tables validate with them and the OpenAPI document is generated from them.

import { z } from 'zod';
import { CHANNEL_NAMES } from '../channels/channel.port.ts';
import { PRIORITIES } from '../detection/detection.types.ts';
import { chatMessageSchema } from '../engine/turn.types.ts';
import { ESCALATION_STATUSES } from '../storage/schema/index.ts';
import { RESOLUTION_CATEGORIES } from './operator.constants.ts';

/** `a,b` or repeated `?x=a&x=b` → ['a','b']. */
export const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => {
    if (v === undefined || v === '') return [];
    const values = Array.isArray(v) ? v : [v];
    return values.flatMap((s) => (typeof s === 'string' ? s.split(',') : [s])).filter((s) => s !== '');
  }, z.array(item));

export { RESOLUTION_CATEGORIES };

export const escalationQuery = z
  .object({
    status: list(
      z.enum(ESCALATION_STATUSES, { error: `status is one of ${ESCALATION_STATUSES.join(', ')}` }),
    ),
    priority: list(z.enum(PRIORITIES, { error: `priority is one of ${PRIORITIES.join(', ')}` })),
    category: list(z.string().max(40)),
    channel: list(z.string().max(40)),
    source: list(z.enum(CHANNEL_NAMES, { error: `source is one of ${CHANNEL_NAMES.join(', ')}` })).describe(
      'where the visitor wrote from',
    ),
    assignedTo: z.string().max(64).optional().describe('an operator id, or "me"'),
    q: z.string().trim().max(200).optional().describe('text search in summary, subject, keywords and id'),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(25),
  })
  .strict();

export const deliveryItem = z.object({
  escalationId: z.string().nullable(),
  target: z.string().describe('console, salesiq, zendesk, freshdesk, slack, ticket or callback'),
  status: z.enum(['pending', 'delivered', 'failed']),
  externalId: z.string().nullable().describe("the vendor's id: SalesIQ conversation, Zendesk ticket …"),
  externalUrl: z.string().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  updatedAt: z.string(),
  deskStatus: z
    .string()
    .nullable()
    .describe('where the case stands on the desk, as its webhooks say (assigned, answered, solved …)'),
  deskSummary: z
    .string()
    .nullable()
    .describe('the same for people: "answered in SalesIQ by Maria", "Zendesk #123 solved"'),
});

export const escalationItem = z.object({
  id: z.string(),
  conversationId: z.string(),
  segment: z.number().int(),
  channel: z.string(),
  source: z.object({
    type: z.string().describe('where the visitor wrote from: web, whatsapp, evolution, salesiq'),
    phone: z.string().nullable().describe("the visitor's phone when they wrote on WhatsApp"),
  }),
  status: z.enum(ESCALATION_STATUSES),
  priority: z.enum(PRIORITIES),
  category: z.string().nullable(),
  subject: z.string().nullable(),
  summary: z.string(),
  triggers: z.array(z.string()),
  keywords: z.array(z.string()),
  sentiment: z.object({ label: z.string().nullable(), score: z.number().nullable() }),
  journeyStage: z.string().nullable(),
  aiConfidence: z.number().nullable(),
  assignedTo: z.string().nullable(),
  resolutionSummary: z.string().nullable(),
  resolutionCategory: z.string().nullable(),
  createdAt: z.string(),
  assignedAt: z.string().nullable(),
  firstResponseAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  slaDueAt: z.string().describe('when the first agent reply is due'),
  handledIn: z
    .string()
    .nullable()
    .describe('the external live chat (salesiq) holding this escalation; null when this console serves it'),
});

export const escalationListResponse = z.object({
  items: z.array(escalationItem).describe('sorted by priority (urgent first), then longest waiting first'),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});

export const conversationQuery = z
  .object({ afterSeq: z.coerce.number().int().min(0).optional().describe('only messages after this seq') })
  .strict();

/** A visitor's rating of a resolved segment (1–5) with their optional comment. */
export const satisfactionItem = z.object({
  segment: z.number().int(),
  rating: z.number().int().min(1).max(5),
  comment: z.string().nullable(),
  agentId: z.string().nullable(),
  ticketId: z.string().nullable(),
  ratedAt: z.string(),
});
export type SatisfactionItem = z.infer<typeof satisfactionItem>;

export const conversationResponse = z.object({
  conversationId: z.string(),
  state: z.string(),
  owner: z.enum(['bot', 'human']),
  botEnabled: z.boolean().describe('false while a human owns the conversation (the bot says nothing)'),
  seq: z.number().int().describe('turn sequence number of the latest turn'),
  assignedAgent: z.object({ id: z.string(), displayName: z.string().nullable() }).nullable(),
  messages: z.array(chatMessageSchema),
  findings: z.object({
    statePath: z.array(z.object({ state: z.string(), at: z.string() })),
    sentiment: z.object({ label: z.string(), score: z.number() }),
    category: z.string().nullable(),
    priority: z.enum(PRIORITIES),
    journeyStage: z.string(),
    triggers: z.array(z.string()),
    escalationReason: z.string().nullable(),
    summary: z.string(),
    keywords: z.array(z.string()),
    visitor: z.record(z.string(), z.string()),
    segment: z.number().int(),
    messageCount: z.number().int(),
  }),
  escalation: escalationItem.nullable().describe('the latest escalation of this conversation'),
  visitor: z
    .object({
      pageUrl: z.string().optional().describe('the page the chat was opened on'),
      referrer: z.string().optional().describe('the page that led the visitor there'),
      userAgent: z.string().optional(),
      timeZone: z
        .string()
        .optional()
        .describe("IANA time zone, e.g. Europe/Madrid: the visitor's local time"),
      locale: z.string().optional().describe("the browser's language tag, e.g. es-ES"),
    })
    .optional()
    .describe("what the visitor's browser reported when the chat started (web widget only)"),
  source: z
    .object({ type: z.string(), externalId: z.string().nullable(), phone: z.string().nullable() })
    .describe('where the visitor writes from: web, whatsapp, evolution, salesiq'),
  unreachable: z
    .object({ code: z.string().nullable(), message: z.string(), seq: z.number().int(), at: z.string() })
    .nullable()
    .describe(
      "a message that could not reach the visitor since they last wrote (WhatsApp's 24-hour window…)",
    ),
  deliveries: z
    .array(deliveryItem)
    .describe('where each handoff of this conversation went (console, SalesIQ, Zendesk, Freshdesk, Slack …)'),
  handledIn: z
    .string()
    .nullable()
    .describe('the external live chat (salesiq) that has this conversation: it cannot be taken here'),
  allowed: z
    .object({
      take: z.boolean(),
      message: z.boolean(),
      resolve: z.boolean(),
      handback: z.boolean(),
      escalate: z.boolean(),
      transfer: z.boolean().describe('hand this live chat to another agent (the holder or an admin)'),
    })
    .describe('what this operator may do now'),
  satisfaction: z
    .array(satisfactionItem)
    .describe("the visitor's ratings of this conversation, one per segment a human resolved, latest first"),
});

export const clientMessageId = z.string().min(1).max(100).optional();

export const assignBody = z
  .object({ agentId: z.string({ error: 'agentId is required: the operator id to assign' }).min(1).max(64) })
  .strict();

export function agentMessageBody(maxChars: number) {
  return z
    .object({
      text: z
        .string({ error: 'text is required' })
        .trim()
        .min(1, 'text must not be empty')
        .max(maxChars, `text is at most ${maxChars} characters`),
      clientMessageId,
    })
    .strict();
}

export const resolveBody = z
  .object({
    notes: z
      .string({ error: 'notes are required: say what was done' })
      .trim()
      .min(1, 'notes must not be empty: say what was done')
      .max(4000),
    resolutionCategory: z.enum(RESOLUTION_CATEGORIES, {
      error: `resolutionCategory is one of ${RESOLUTION_CATEGORIES.join(', ')}`,
    }),
    clientMessageId,
  })
  .strict();

export const escalateBody = z
  .object({
    reason: z
      .string({ error: 'reason is required: why does a human take over?' })
      .trim()
      .min(3, 'reason must say why (at least 3 characters)')
      .max(500),
    clientMessageId,
  })
  .strict();

export const handbackBody = z.object({ clientMessageId }).strict();

export const botSwitchBody = z
  .object({
    enabled: z.boolean({ error: 'enabled is required: true hands the conversation back to the bot' }),
    reason: z.string().trim().min(3).max(500).optional().describe('why the bot is switched off'),
    clientMessageId,
  })
  .strict();

export const typingBody = z.object({ typing: z.boolean() }).strict();
