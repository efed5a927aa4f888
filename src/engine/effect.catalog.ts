// The typed effect catalog: every effect type a committed turn can write, the zod schema of its params,
// and (at start-up) its handler. An effect type without a handler stops start-up with a message that
// names it; the worker never marks an effect it cannot run as done.
import { z } from 'zod';
import { RECORD_CONTACT, recordContactParams } from '../contacts/contact.effect.ts';
import { intentLogParamsSchema, RECORD_DETECTION } from '../detection/intent-log.record.ts';
import { ESCALATION_OPTIONS } from '../machines/conversation.events.ts';
import type { ConversationMachine } from '../machines/conversation.machine.ts';
import type { EffectHandler } from './effect.worker.ts';
import { DELIVER_TO_VISITOR } from './turn.output.ts';

/** Every effect carries the state it was committed in and the turn's time. */
const stamped = z.object({ state: z.string(), at: z.string() });

export const EFFECT_PARAMS = {
  createHandoff: stamped.extend({ channel: z.enum(ESCALATION_OPTIONS), ticketNumber: z.string().optional() }),
  notifyOperators: stamped.extend({ reason: z.string() }),
  forwardToOperator: stamped,
  forwardToDesk: stamped,
  deliverOperatorMessage: stamped,
  updateEscalation: stamped.extend({ status: z.enum(['assigned', 'resolved', 'handed_back', 'failed']) }),
  remindOperators: stamped,
  updateTicketStatus: stamped,
  recordSatisfaction: stamped.extend({
    rating: z.number().int().min(1).max(5),
    segment: z.number().int(),
    agentId: z.string().nullable(),
    category: z.string().nullable(),
  }),
  recordSatisfactionComment: stamped.extend({ comment: z.string(), segment: z.number().int() }),
  addToTicketThread: stamped.extend({ text: z.string() }),
  [RECORD_DETECTION]: stamped.extend(intentLogParamsSchema.shape),
  [DELIVER_TO_VISITOR]: stamped.extend({ messages: z.array(z.unknown()) }),
  [RECORD_CONTACT]: stamped.extend(recordContactParams.shape),
} as const satisfies Record<string, z.ZodType>;

export type EffectType = keyof typeof EFFECT_PARAMS;

/** Machine actions that are rendered (say) rather than executed. */
const RENDERED = new Set(['say']);

type ActionRef = string | { type?: unknown } | ((...args: never[]) => unknown);
interface NodeLike {
  entry?: readonly ActionRef[];
  exit?: readonly ActionRef[];
  transitions?: Map<string, ReadonlyArray<{ actions?: readonly ActionRef[] }>>;
  always?: ReadonlyArray<{ actions?: readonly ActionRef[] }>;
  states?: Record<string, NodeLike>;
}

function typeOf(ref: ActionRef): string | null {
  if (typeof ref === 'string') return ref;
  if (ref && typeof ref === 'object' && typeof ref.type === 'string') return ref.type;
  return null;
}

/** Every named action the machine's states and transitions reference, from its definition. */
export function referencedActions(machine: ConversationMachine): Set<string> {
  const found = new Set<string>();
  const visit = (node: NodeLike) => {
    const lists = [node.entry ?? [], node.exit ?? []];
    for (const ts of node.transitions?.values() ?? []) for (const t of ts) lists.push(t.actions ?? []);
    for (const t of node.always ?? []) lists.push(t.actions ?? []);
    for (const list of lists)
      for (const ref of list) {
        const type = typeOf(ref);
        if (type) found.add(type);
      }
    for (const child of Object.values(node.states ?? {})) visit(child);
  };
  visit(machine.root as unknown as NodeLike);
  return found;
}

/** The effect types a turn of this machine can write: its executed actions plus the engine's own. */
export function emittableEffects(machine: ConversationMachine): string[] {
  const impls = machine.implementations.actions as Record<string, { type?: unknown } | undefined>;
  const executed = [...referencedActions(machine)].filter(
    (name) => !RENDERED.has(name) && !name.startsWith('xstate.') && impls[name]?.type !== 'xstate.assign',
  );
  return [...new Set([...executed, RECORD_DETECTION, DELIVER_TO_VISITOR, RECORD_CONTACT])].sort();
}

/** Throws a readable error when an emittable effect has no handler or no params schema. */
export function assertEffectCatalog(
  machine: ConversationMachine,
  handlers: Partial<Record<string, EffectHandler>>,
): void {
  const effects = emittableEffects(machine);
  const noHandler = effects.filter((type) => !handlers[type]);
  const noSchema = effects.filter((type) => !(type in EFFECT_PARAMS));
  const problems = [
    ...(noHandler.length > 0 ? [`no handler for effect type(s): ${noHandler.join(', ')}`] : []),
    ...(noSchema.length > 0 ? [`no params schema in EFFECT_PARAMS for: ${noSchema.join(', ')}`] : []),
  ];
  if (problems.length > 0)
    throw new Error(
      `the conversation machine can emit effects nobody runs (${problems.join('; ')}): add them to src/engine/effect.catalog.ts and register a handler in src/server/runtime.ts`,
    );
}

/** Params of a claimed effect checked against the catalog; a string says what is wrong. */
export function checkEffectParams(type: string, params: unknown): string | null {
  const schema = (EFFECT_PARAMS as Record<string, z.ZodType | undefined>)[type];
  if (!schema) return `unknown effect type ${type}`;
  const parsed = schema.safeParse(params);
  return parsed.success
    ? null
    : `bad params for ${type}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
}
