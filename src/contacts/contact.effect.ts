// The turn-output side of customer memory: from what a committed turn did (the identities the visitor
// showed, a handover, a resolution, a rating) the engine writes one `recordContact` effect, run from the
// outbox like every other effect. The machine stays pure and knows nothing of contacts.
import { z } from 'zod';
import type { ConversationContext, VisitorInfo } from '../machines/conversation.context.ts';
import { type ConversationEvent, ESCALATION_OPTIONS } from '../machines/conversation.events.ts';

export const RECORD_CONTACT = 'recordContact';

const handoverStep = z.object({
  kind: z.literal('handover'),
  option: z.enum(ESCALATION_OPTIONS),
  priority: z.string(),
  reason: z.string().nullable(),
  category: z.string().nullable(),
  ticketNumber: z.string().optional(),
});
const resolutionStep = z.object({
  kind: z.literal('resolution'),
  by: z.enum(['bot', 'operator', 'desk']),
  agentId: z.string().nullable(),
  notes: z.string().nullable(),
  resolutionCategory: z.string().nullable(),
  category: z.string().nullable(),
});
const satisfactionStep = z.object({
  kind: z.literal('satisfaction'),
  rating: z.number().int().min(1).max(5),
  agentId: z.string().nullable(),
});
export const contactStepSchema = z.discriminatedUnion('kind', [
  handoverStep,
  resolutionStep,
  satisfactionStep,
]);
export type ContactStep = z.infer<typeof contactStepSchema>;

export const recordContactParams = z.object({
  /** What the visitor told us about themselves so far (context.visitor). */
  visitor: z.object({ name: z.string(), email: z.string(), phone: z.string() }).partial(),
  /** Known at a session's start; later turns leave it to the handler (channel_sessions). */
  channel: z.string().optional(),
  steps: z.array(contactStepSchema),
});
export type RecordContactParams = z.infer<typeof recordContactParams>;

type Action = { type: string; params?: unknown };

const IDENTIFYING = ['name', 'email', 'phone'] as const;

function identityOf(visitor: VisitorInfo) {
  return Object.fromEntries(
    IDENTIFYING.flatMap((k) => (visitor[k] ? [[k, visitor[k]] as const] : [])),
  ) as RecordContactParams['visitor'];
}

function resolutionBy(event: ConversationEvent | null): 'operator' | 'desk' | 'bot' {
  if (!event) return 'bot';
  if (event.type.startsWith('OPERATOR.')) return 'operator';
  if (event.type.startsWith('DESK.')) return 'desk';
  return 'bot';
}

function stepsOf(input: ContactTurn): ContactStep[] {
  const { after, event } = input;
  const steps: ContactStep[] = [];
  let resolved = false;
  for (const action of input.actions) {
    const params = (action.params ?? {}) as Record<string, unknown>;
    if (action.type === 'createHandoff') {
      const option = z.enum(ESCALATION_OPTIONS).safeParse(params.channel);
      if (!option.success) continue;
      steps.push({
        kind: 'handover',
        option: option.data,
        priority: after.priority,
        reason: after.escalationReason,
        category: after.category,
        ...(option.data === 'ticket' && input.ticketNumber ? { ticketNumber: input.ticketNumber } : {}),
      });
    } else if (
      (action.type === 'updateEscalation' && params.status === 'resolved') ||
      action.type === 'updateTicketStatus'
    ) {
      resolved = true;
    } else if (action.type === 'recordSatisfaction' && typeof params.rating === 'number') {
      const rating = Math.round(params.rating);
      if (rating >= 1 && rating <= 5)
        steps.push({
          kind: 'satisfaction',
          rating,
          agentId: typeof params.agentId === 'string' ? params.agentId : null,
        });
    }
  }
  const botResolved = input.to === 'resolved' && input.from !== 'resolved';
  if (resolved || botResolved) {
    const by = resolved ? resolutionBy(event) : 'bot';
    steps.push({
      kind: 'resolution',
      by,
      agentId: event && 'agentId' in event && typeof event.agentId === 'string' ? event.agentId : null,
      notes:
        event?.type === 'OPERATOR.RESOLVE'
          ? event.notes
          : event?.type === 'DESK.CLOSED'
            ? (event.notes ?? null)
            : null,
      resolutionCategory: event?.type === 'OPERATOR.RESOLVE' ? event.resolutionCategory : null,
      category: after.category,
    });
  }
  return steps;
}

export interface ContactTurn {
  /** The visitor info before the turn; null for a session's start. */
  before: VisitorInfo | null;
  after: ConversationContext;
  event: ConversationEvent | null;
  actions: ReadonlyArray<Action>;
  from: string | null;
  to: string;
  /** The channel at a session's start. */
  channel?: string;
  ticketNumber?: string;
}

/** The recordContact params of a turn, or null when the turn teaches customer memory nothing. */
export function contactEffectParams(input: ContactTurn): RecordContactParams | null {
  const visitor = identityOf(input.after.visitor);
  const before = input.before ? identityOf(input.before) : {};
  const learnt = IDENTIFYING.some((k) => visitor[k] !== before[k]);
  const startOnChannel = input.before === null && input.channel !== undefined && input.channel !== 'web';
  const steps = stepsOf(input);
  if (!learnt && !startOnChannel && steps.length === 0) return null;
  return { visitor, ...(input.channel ? { channel: input.channel } : {}), steps };
}
