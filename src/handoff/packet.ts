// The handoff packet: everything a human needs so the visitor never repeats themselves, in one typed
// structure that every target maps from. Built once per handoff (from the conversation as it was when the
// handoff was committed) and stored with the escalation, so every retry sends the very same content.
import { z } from 'zod';
import { CHANNEL_NAMES } from '../channels/channel.port.ts';
import type { Knowledge } from '../content/knowledge.ts';
import {
  categorySchema,
  journeyStageSchema,
  prioritySchema,
  sentimentSchema,
} from '../detection/detection.types.ts';
import { type ChatMessage, MESSAGE_ROLES, type TraceEntry } from '../engine/turn.types.ts';
import type { ConversationContext } from '../machines/conversation.context.ts';
import { ESCALATION_OPTIONS } from '../machines/conversation.events.ts';

export const SUMMARY_MESSAGES = 5;
export const SUMMARY_CHARS = 100;

const lineSchema = z.object({
  role: z.enum(MESSAGE_ROLES),
  text: z.string(),
  at: z.string(),
  agentId: z.string().optional(),
});

export const handoffPacketSchema = z.object({
  v: z.literal(1),
  /** The createHandoff effect's idempotency key: one handoff, one key, across every retry and target. */
  handoffKey: z.string(),
  sessionId: z.string(),
  segment: z.number().int(),
  channel: z.enum(ESCALATION_OPTIONS),
  /** Why: operator escalation, explicit request, attempts exhausted… */
  reason: z.string().nullable(),
  /** Set for tickets: allocated by the engine before the visitor's reply was rendered. */
  ticketNumber: z.string().nullable(),
  createdAt: z.string(),
  subject: z.string(),
  category: categorySchema.nullable(),
  categoryLabel: z.string(),
  priority: prioritySchema,
  sentiment: sentimentSchema,
  journeyStage: journeyStageSchema,
  triggers: z.array(z.string()),
  keywords: z.array(z.string()),
  /** The states the conversation went through, oldest first, ending with the current one. */
  statePath: z.array(z.string()),
  /** Confidence of the detection that led here (null when an operator or a button decided). */
  aiConfidence: z.number().nullable(),
  visitor: z.object({
    name: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
    callbackWindow: z.string().optional(),
    description: z.string().optional(),
  }),
  /** Troubleshooting steps the visitor was already walked through (from the knowledge file). */
  stepsTried: z.array(z.string()),
  /** The last few messages, each cut short: what a busy agent reads first. */
  summary: z.array(lineSchema),
  transcript: z.array(lineSchema),
  /**
   * Where the visitor wrote from: the channel, its id of them (phone, SalesIQ conversation id) and, on
   * WhatsApp, the phone. Absent in packets frozen before channels existed (read as the web widget).
   */
  source: z
    .object({ type: z.enum(CHANNEL_NAMES), externalId: z.string().optional(), phone: z.string().optional() })
    .optional(),
});
export type HandoffPacket = z.infer<typeof handoffPacketSchema>;
export type HandoffChannel = HandoffPacket['channel'];
type Line = z.infer<typeof lineSchema>;

export function cut(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

export function isAngry(sentiment: { label: string; score: number }): boolean {
  return sentiment.label === 'angry' || sentiment.score <= -0.5;
}

export interface PacketInput {
  handoffKey: string;
  sessionId: string;
  channel: HandoffChannel;
  ticketNumber: string | null;
  /** When the handoff turn committed (the effect's `at`): later messages are not part of it. */
  at: string;
  state: string;
  context: ConversationContext;
  messages: ChatMessage[];
  knowledge: Knowledge;
  /** The session's trace entries (for detected keywords and confidence); optional. */
  traces?: TraceEntry[];
  source?: HandoffPacket['source'];
}

/** The transcript up to `at`, in packet lines. */
function transcriptUpTo(messages: ChatMessage[], at: string): Line[] {
  return messages
    .filter((m) => m.at <= at)
    .map((m) => ({ role: m.role, text: m.text, at: m.at, ...(m.agentId ? { agentId: m.agentId } : {}) }));
}

/** The summary rule: the last SUMMARY_MESSAGES lines up to `at`, each cut to SUMMARY_CHARS. */
export function summaryLines(messages: ChatMessage[], at: string): Line[] {
  return transcriptUpTo(messages, at)
    .slice(-SUMMARY_MESSAGES)
    .map((line) => ({ ...line, text: cut(line.text, SUMMARY_CHARS) }));
}

/** The phrases detection matched in the turns up to `at`, first seen first. */
export function detectedKeywords(traces: TraceEntry[], at: string): string[] {
  const keywords = new Set<string>();
  for (const trace of traces) {
    if (trace.at > at) continue;
    for (const layer of trace.detection?.layers ?? []) {
      if (layer.matchedPhrase) keywords.add(layer.matchedPhrase);
    }
  }
  return [...keywords];
}

export function buildPacket(input: PacketInput): HandoffPacket {
  const { context, knowledge } = input;
  const transcript = transcriptUpTo(input.messages, input.at);
  const summary = summaryLines(input.messages, input.at);
  const categoryKnowledge = knowledge.categories[context.category ?? 'other'];
  // Steps are shown from index 0 up to stepIndex while troubleshooting; no category, no steps shown.
  const stepsTried = context.category ? categoryKnowledge.steps.slice(0, context.stepIndex + 1) : [];
  const traces = (input.traces ?? []).filter((t) => t.at <= input.at);
  const lastDetection = [...traces].reverse().find((t) => t.detection !== null)?.detection ?? null;
  const statePath = context.history.map((h) => h.state);
  if (statePath.at(-1) !== input.state) statePath.push(input.state);
  const subject = `${isAngry(context.sentiment) ? 'URGENT: ' : ''}${categoryKnowledge.subject}`;
  return {
    v: 1,
    handoffKey: input.handoffKey,
    sessionId: input.sessionId,
    segment: context.segment,
    channel: input.channel,
    reason: context.escalationReason,
    ticketNumber: input.ticketNumber,
    createdAt: input.at,
    subject,
    category: context.category,
    categoryLabel: categoryKnowledge.label,
    priority: context.priority,
    sentiment: context.sentiment,
    journeyStage: context.journeyStage,
    triggers: context.triggers,
    keywords: detectedKeywords(traces, input.at),
    statePath,
    aiConfidence: lastDetection && lastDetection.layer !== 'button' ? lastDetection.confidence : null,
    visitor: Object.fromEntries(
      Object.entries(context.visitor).filter(([, v]) => typeof v === 'string' && v.length > 0),
    ),
    stepsTried,
    summary,
    transcript,
    ...(input.source ? { source: input.source } : {}),
  };
}

const ROLE_LABEL: Record<Line['role'], string> = {
  visitor: 'Visitor',
  bot: 'Bot',
  operator: 'Agent',
  system: 'System',
};

export function transcriptText(packet: HandoffPacket): string {
  return packet.transcript
    .map(
      (l) => `[${l.at.slice(11, 19)}] ${ROLE_LABEL[l.role]}${l.agentId ? ` (${l.agentId})` : ''}: ${l.text}`,
    )
    .join('\n');
}

export function summaryText(packet: Pick<HandoffPacket, 'summary'>): string {
  return packet.summary.map((l) => `${ROLE_LABEL[l.role]}: ${l.text}`).join('\n');
}

/** The whole story as plain text: what helpdesk ticket bodies and the SalesIQ question carry. */
export function describePacket(packet: HandoffPacket): string {
  const v = packet.visitor;
  const lines = [
    `${packet.subject}${packet.ticketNumber ? ` (ticket ${packet.ticketNumber})` : ''}`,
    `Reason: ${packet.reason ?? (packet.triggers.join(', ') || 'visitor asked for a human')}`,
    `Category: ${packet.categoryLabel} · Priority: ${packet.priority} · Sentiment: ${packet.sentiment.label} (${packet.sentiment.score.toFixed(2)}) · Journey: ${packet.journeyStage}`,
    packet.keywords.length ? `Keywords: ${packet.keywords.join(', ')}` : null,
    packet.triggers.length ? `Triggers: ${packet.triggers.join(', ')}` : null,
    `Path: ${packet.statePath.join(' → ')}`,
    [
      v.name && `Name: ${v.name}`,
      v.email && `E-mail: ${v.email}`,
      v.phone && `Phone: ${v.phone}`,
      v.callbackWindow && `Call back: ${v.callbackWindow}`,
    ]
      .filter(Boolean)
      .join(' · ') || null,
    v.description ? `\nDescription:\n${v.description}` : null,
    packet.stepsTried.length
      ? `\nAlready tried:\n${packet.stepsTried.map((s, i) => `${i + 1}. ${s}`).join('\n')}`
      : null,
    `\nLast messages:\n${summaryText(packet)}`,
    `\nTranscript:\n${transcriptText(packet)}`,
    `\nReference: ${packet.handoffKey}`,
  ];
  return lines.filter((l): l is string => typeof l === 'string' && l.length > 0).join('\n');
}
