// Conversation specs: what QA writes by hand (YAML, see specs/README.md). A spec is a conversation — visitor
// lines, button presses, operator actions, timers, handoff failures — with what must be true after each
// step (state, owner, replies by substring or /regex/, buttons, effects, detection, context).
import { z } from 'zod';
import { intentSchema, LAYERS } from '../detection/detection.types.ts';
import { conversationEventSchema } from '../machines/conversation.events.ts';

export const EVENT_TYPES: readonly string[] = conversationEventSchema.options.map((o) => o.shape.type.value);

const DURATION = /^(\d+)\s*(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function durationMs(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m?.[1] || !m[2]) throw new Error(`not a duration: ${text}`);
  return Number.parseInt(m[1], 10) * (UNIT_MS[m[2]] ?? 0);
}

const duration = z
  .string()
  .regex(DURATION, 'a duration like "30s", "10m", "2h" or "1d"')
  .describe('time that passes before this step');

/** A reply pattern: a substring, or `/regex/flags`. */
const pattern = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') || toRegExp(p) !== null, {
    message: 'a /regex/ must be a valid JavaScript regular expression, like /step 1 of \\d/i',
  });

export function toRegExp(pattern: string): RegExp | null {
  const m = /^\/(.+)\/([dgimsuy]*)$/s.exec(pattern);
  if (!m?.[1]) return null;
  try {
    return new RegExp(m[1], m[2]);
  } catch {
    return null;
  }
}

export function matchesPattern(pattern: string, text: string): boolean {
  const regex = pattern.startsWith('/') ? toRegExp(pattern) : null;
  return regex ? regex.test(text) : text.includes(pattern);
}

export const OUTCOMES = [
  'ok',
  'duplicate',
  'button_not_offered',
  'not_accepted',
  'forbidden',
  'handled_elsewhere',
  'unauthorized',
  'not_found',
  'busy',
] as const;

export const expectSchema = z.strictObject({
  /** Dotted state path after the step, e.g. `escalated.queued`. */
  state: z.string().min(1).optional(),
  owner: z.enum(['bot', 'human']).optional(),
  /** The machine event the step became (from the trace), e.g. `VISITOR.TEXT`. */
  event: z
    .string()
    .refine((t) => EVENT_TYPES.includes(t), { message: `one of ${EVENT_TYPES.join(', ')}` })
    .optional(),
  /** Detection's intent and deciding layer (`none` when no layer decided or nothing was detected). */
  intent: intentSchema.optional(),
  layer: z.enum([...LAYERS, 'none']).optional(),
  /** Every pattern must match one of this step's bot/system replies. */
  reply: z.union([pattern, z.array(pattern).min(1)]).optional(),
  /** The bot and the system said nothing this step. */
  noReply: z.literal(true).optional(),
  /** Button ids on offer after the step, in order (`[]` for none). */
  buttons: z.array(z.string()).optional(),
  /** Effect types committed by this step, in order (`say` excluded; `[]` for none). */
  effects: z.array(z.string()).optional(),
  /** Fields of the machine context after the step (deep-equal on the fields given). */
  context: z.record(z.string(), z.unknown()).optional(),
  /** What the engine answered: `ok` (default) or a refusal such as `button_not_offered`. */
  outcome: z.enum(OUTCOMES).optional(),
});
export type Expect = z.infer<typeof expectSchema>;

export const OPERATOR_ACTIONS = ['assign', 'message', 'resolve', 'handback', 'escalate'] as const;

const operatorSchema = z.union([
  z.enum(OPERATOR_ACTIONS),
  z.strictObject({
    action: z.enum(OPERATOR_ACTIONS),
    /** The operator acting (default `agent-1`). */
    as: z.string().min(1).optional(),
    role: z.enum(['agent', 'admin']).optional(),
    /** assign: who gets the conversation (default: the acting operator). */
    agent: z.string().min(1).optional(),
    text: z.string().optional(),
    notes: z.string().optional(),
    resolutionCategory: z.string().optional(),
    reason: z.string().optional(),
  }),
]);
export type OperatorStep = z.infer<typeof operatorSchema>;

const handoffSchema = z.union([
  z.literal('failed'),
  z.strictObject({ result: z.literal('failed'), target: z.string().min(1), reason: z.string().min(1) }),
]);

/** What a human on a desk did (SalesIQ, Zendesk…), as the desk event port delivers it. */
const deskSchema = z.strictObject({
  kind: z.enum([
    'agent_joined',
    'agent_replied',
    'conversation_closed',
    'conversation_missed',
    'ticket_status_changed',
  ]),
  /** The desk (default salesiq). */
  desk: z.enum(['salesiq', 'zendesk', 'freshdesk', 'slack']).optional(),
  /** The desk agent's display name (default Dana). */
  agent: z.string().min(1).optional(),
  text: z.string().optional(),
  note: z.string().optional(),
  status: z.enum(['open', 'pending', 'solved', 'closed']).optional(),
});
export type DeskStep = z.infer<typeof deskSchema>;

const ACTION_KEYS = ['visitor', 'press', 'operator', 'timer', 'handoff', 'desk'] as const;

export const stepSchema = z
  .strictObject({
    visitor: z.string().optional(),
    press: z.string().min(1).optional(),
    operator: operatorSchema.optional(),
    timer: z.enum(['inactivity', 'sla_reminder']).optional(),
    handoff: handoffSchema.optional(),
    desk: deskSchema.optional(),
    after: duration.optional(),
    expect: expectSchema.optional(),
  })
  .superRefine((step, ctx) => {
    const present = ACTION_KEYS.filter((k) => step[k] !== undefined);
    if (present.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message:
          present.length === 0
            ? `a step needs one of: ${ACTION_KEYS.join(', ')}`
            : `a step has exactly one of ${ACTION_KEYS.join(', ')} (this one has ${present.join(' and ')})`,
      });
  });
export type Step = z.infer<typeof stepSchema>;

export const specSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  tags: z.array(z.string()).optional(),
  /** Configuration for this spec (environment variable names, e.g. MAX_FAILED_ATTEMPTS: 2). */
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  start: z
    .strictObject({
      /** ISO time the conversation starts (default 2026-01-05T09:00:00Z). */
      at: z.iso.datetime().optional(),
      /** What the widget passed when the session started. */
      visitor: z.strictObject({ name: z.string().optional(), email: z.string().optional() }).optional(),
      expect: expectSchema.optional(),
    })
    .optional(),
  steps: z.array(stepSchema).min(1, 'a spec needs at least one step'),
});
export type Spec = z.infer<typeof specSchema>;
