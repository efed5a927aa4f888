// What a turn produces: messages for the transcript, the response to the caller, and a trace entry.
import { z } from 'zod';
import { detectionSchema } from '../detection/detection.types.ts';

export const MESSAGE_ROLES = ['visitor', 'bot', 'operator', 'system'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

export const publicButtonSchema = z.object({
  id: z.string(),
  label: z.string(),
  emoji: z.string().optional(),
});
export type PublicButton = z.infer<typeof publicButtonSchema>;

export const chatMessageSchema = z.object({
  seq: z.number().int(),
  role: z.enum(MESSAGE_ROLES),
  text: z.string(),
  at: z.string(),
  buttons: z.array(publicButtonSchema).optional(),
  agentId: z.string().optional(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const turnResponseSchema = z.object({
  sessionId: z.string(),
  seq: z.number().int(),
  state: z.string(),
  owner: z.enum(['bot', 'human']),
  replies: z.array(chatMessageSchema),
  /** Every message this turn added to the transcript, the visitor's own included, in order. */
  messages: z.array(chatMessageSchema),
  buttons: z.array(publicButtonSchema),
});
export type TurnResponse = z.infer<typeof turnResponseSchema>;

/**
 * 2: desk events (`inbound.kind: 'desk'`) and the visitor's channel (`inbound.channel`). Version 1 traces
 * are still read: every version-1 entry is a valid version-2 entry (the additions are new kinds and
 * optional fields).
 */
export const TRACE_FORMAT_VERSION = 2;
/** Versions this build reads. */
export const READABLE_TRACE_VERSIONS = [1, 2] as const;

export const inboundTraceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('start'),
    /** Where the visitor writes from; absent means the web widget (every version-1 trace). */
    channel: z.string().optional(),
    /** What the visitor told us when the session started (name, e-mail): the machine's input, for replay. */
    visitor: z
      .object({
        name: z.string().optional(),
        email: z.string().optional(),
        phone: z.string().optional(),
        callbackWindow: z.string().optional(),
        description: z.string().optional(),
      })
      .optional(),
    /** The language the widget asked for at the start (a content language); absent means English. */
    language: z.string().optional(),
    /** What the visitor's browser reported at the start (web widget): the machine's input too. */
    browser: z
      .object({
        pageUrl: z.string().optional(),
        referrer: z.string().optional(),
        userAgent: z.string().optional(),
        timeZone: z.string().optional(),
        locale: z.string().optional(),
      })
      .optional(),
  }),
  z.object({
    kind: z.literal('visitor'),
    /** Absent in version-1 traces: those are all web widget sessions. */
    channel: z.string().optional(),
    text: z.string().optional(),
    button: z.string().optional(),
    clientMessageId: z.string(),
  }),
  z.object({
    kind: z.literal('operator'),
    action: z.string(),
    agentId: z.string(),
    text: z.string().optional(),
    notes: z.string().optional(),
    resolutionCategory: z.string().optional(),
    reason: z.string().optional(),
    /** A reply that took a conversation nobody held (the machine assigned the replying operator). */
    takes: z.boolean().optional(),
  }),
  z.object({ kind: z.literal('timer'), timer: z.string() }),
  z.object({ kind: z.literal('handoff'), result: z.string(), target: z.string(), reason: z.string() }),
  z.object({
    kind: z.literal('desk'),
    desk: z.string(),
    /** The DeskEvent kind (agent_joined, agent_replied, conversation_closed, …). */
    event: z.string(),
    eventId: z.string(),
    externalId: z.string(),
    agentId: z.string().optional(),
    agentName: z.string().optional(),
    text: z.string().optional(),
    note: z.string().optional(),
    status: z.string().optional(),
  }),
]);
export type InboundTrace = z.infer<typeof inboundTraceSchema>;

export const traceEntrySchema = z.object({
  v: z.union([z.literal(1), z.literal(TRACE_FORMAT_VERSION)]),
  sessionId: z.string(),
  seq: z.number().int(),
  at: z.string(),
  inbound: inboundTraceSchema,
  detection: detectionSchema.nullable(),
  event: z.record(z.string(), z.unknown()).nullable(),
  from: z.string().nullable(),
  to: z.string(),
  actions: z.array(z.object({ type: z.string(), params: z.unknown().optional() })),
  replies: z.array(z.object({ role: z.enum(MESSAGE_ROLES), text: z.string() })),
  buttons: z.array(z.string()),
  /**
   * Values from outside the machine that the replies include (a ticket number allocated for this turn), so
   * replay renders the same text without allocating anything. Absent when the turn had none.
   */
  extras: z.object({ ticketNumber: z.string().optional(), agentName: z.string().optional() }).optional(),
});
export type TraceEntry = z.infer<typeof traceEntrySchema>;
