// Every event the conversation machine accepts. Each carries `at` (ISO time) so the machine stays pure:
// the clock lives in the engine, never in a guard or action.
import { z } from 'zod';
import {
  categorySchema,
  journeyStageSchema,
  prioritySchema,
  sentimentSchema,
} from '../detection/detection.types.ts';

/** What detection learnt from a visitor message, absorbed into context on every visitor event. */
export const signalsSchema = z.object({
  sentiment: sentimentSchema.optional(),
  priority: prioritySchema.optional(),
  category: categorySchema.nullable().optional(),
  journeyStage: journeyStageSchema.optional(),
  triggers: z.array(z.string()).optional(),
  /** The visitor switched to another content language. */
  language: z.string().min(2).max(16).optional(),
});
export type Signals = z.infer<typeof signalsSchema>;

export const ESCALATION_OPTIONS = ['instant_chat', 'callback', 'ticket'] as const;
export const escalationOptionSchema = z.enum(ESCALATION_OPTIONS);
export type EscalationOption = z.infer<typeof escalationOptionSchema>;

export const DESK_TICKET_STATUSES = ['open', 'pending', 'solved', 'closed'] as const;
export const deskTicketStatusSchema = z.enum(DESK_TICKET_STATUSES);

const at = z.string().datetime();
const visitor = <T extends string>(type: T) =>
  z.object({ type: z.literal(type), at, signals: signalsSchema });

export const conversationEventSchema = z.discriminatedUnion('type', [
  visitor('VISITOR.GREETING'),
  visitor('VISITOR.ISSUE').extend({ category: categorySchema }),
  visitor('VISITOR.TEXT').extend({ text: z.string() }),
  visitor('VISITOR.ESCALATION_REQUEST').extend({ reason: z.string() }),
  visitor('VISITOR.SOLUTION_WORKED'),
  visitor('VISITOR.SOLUTION_FAILED'),
  visitor('VISITOR.ACKNOWLEDGED'),
  visitor('VISITOR.AFFIRM'),
  visitor('VISITOR.DENY'),
  visitor('VISITOR.FRUSTRATED'),
  visitor('VISITOR.CHOOSE').extend({ option: escalationOptionSchema }),
  visitor('VISITOR.CANCEL'),
  /** A satisfaction rating, 1 (poor) to 5 (excellent), after a human resolved the chat or ticket. */
  visitor('VISITOR.RATE').extend({ rating: z.number().int().min(1).max(5) }),
  z.object({ type: z.literal('OPERATOR.ASSIGN'), at, agentId: z.string() }),
  z.object({ type: z.literal('OPERATOR.MESSAGE'), at, agentId: z.string(), text: z.string() }),
  z.object({
    type: z.literal('OPERATOR.RESOLVE'),
    at,
    agentId: z.string(),
    notes: z.string(),
    resolutionCategory: z.string(),
  }),
  z.object({ type: z.literal('OPERATOR.HANDBACK'), at, agentId: z.string() }),
  z.object({ type: z.literal('OPERATOR.ESCALATE'), at, agentId: z.string(), reason: z.string() }),
  z.object({ type: z.literal('TIMER.INACTIVITY'), at }),
  z.object({ type: z.literal('TIMER.SLA_REMINDER'), at }),
  z.object({ type: z.literal('HANDOFF.FAILED'), at, target: z.string(), reason: z.string() }),
  // What a human on a desk (SalesIQ, Zendesk, Freshdesk, Slack) did, fed back through the desk event port.
  // `agentId` is the vendor's id of the human ("salesiq:123"), never one of our operator ids.
  z.object({
    type: z.literal('DESK.AGENT_JOINED'),
    at,
    desk: z.string(),
    agentId: z.string(),
    agentName: z.string(),
  }),
  z.object({
    type: z.literal('DESK.AGENT_REPLIED'),
    at,
    desk: z.string(),
    agentId: z.string(),
    agentName: z.string(),
    text: z.string(),
  }),
  z.object({
    type: z.literal('DESK.CLOSED'),
    at,
    desk: z.string(),
    agentId: z.string().optional(),
    notes: z.string().optional(),
  }),
  z.object({ type: z.literal('DESK.MISSED'), at, desk: z.string() }),
  z.object({ type: z.literal('DESK.TICKET_STATUS'), at, desk: z.string(), status: deskTicketStatusSchema }),
]);
export type ConversationEvent = z.infer<typeof conversationEventSchema>;
export type ConversationEventType = ConversationEvent['type'];
export type VisitorEvent = Extract<ConversationEvent, { signals: Signals }>;
export type OperatorEvent = Extract<ConversationEvent, { agentId: string }>;
export type DeskMachineEvent = Extract<ConversationEvent, { desk: string }>;

/** The text of a typed message; empty for every other event. */
export function textOf(event: ConversationEvent): string {
  return event.type === 'VISITOR.TEXT' ? event.text : '';
}
