// Priority by customer: a rule table (content/customer-priority.yaml, or CUSTOMER_PRIORITY_FILE) that raises
// a conversation's priority by steps, or sets a floor, from what we know about the person — tier, lifetime
// value, open tickets, recent escalations. The rules engine applies it to every detection; each rule that
// fired is a named trigger (`customer:<name>`) and the facts it read travel in the detection, so a replay
// without the database computes the same priority.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { projectPath } from '../config/paths.ts';
import type { CustomerFacts } from '../contacts/contact.types.ts';
import { PRIORITIES } from './detection.constants.ts';
import { type Priority, prioritySchema } from './detection.types.ts';

export const DEFAULT_CUSTOMER_PRIORITY_PATH = projectPath('content/customer-priority.yaml');

const conditionSchema = z
  .strictObject({
    /** One tier or any of several (`vip`, `[vip, gold]`). */
    tier: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    lifetimeValueAtLeast: z.number().min(0).optional(),
    openTicketsAtLeast: z.number().int().min(1).optional(),
    recentEscalationsAtLeast: z.number().int().min(1).optional(),
  })
  .refine((c) => Object.keys(c).length > 0, 'a rule needs at least one condition');

const ruleSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9_]+$/, 'rule names are lower-case letters, digits and _ (they name the trigger)'),
    when: conditionSchema,
    /** Steps up the priority ladder (low → medium → high → urgent). */
    raise: z.number().int().min(1).max(3).optional(),
    /** A floor: at least this priority (never lowers what the visitor's words earned). */
    atLeast: prioritySchema.optional(),
  })
  .refine((r) => (r.raise === undefined) !== (r.atLeast === undefined), 'a rule has either raise or atLeast');

export const customerPrioritySchema = z.strictObject({
  /** How far back "recent escalations" count. */
  recentDays: z.number().int().min(1).max(3650).default(30),
  rules: z.array(ruleSchema).default([]),
});
export type CustomerPriority = z.infer<typeof customerPrioritySchema>;
export type CustomerPriorityRule = z.infer<typeof ruleSchema>;

export const NO_CUSTOMER_RULES: CustomerPriority = { recentDays: 30, rules: [] };

export function parseCustomerPriority(text: string, source: string): CustomerPriority {
  const parsed = customerPrioritySchema.safeParse(parse(text) ?? {});
  if (!parsed.success)
    throw new Error(
      `${source}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

export function loadCustomerPriority(path = DEFAULT_CUSTOMER_PRIORITY_PATH): CustomerPriority {
  return parseCustomerPriority(readFileSync(path, 'utf8'), path);
}

function matches(rule: CustomerPriorityRule, facts: CustomerFacts): boolean {
  const w = rule.when;
  if (w.tier !== undefined && !(Array.isArray(w.tier) ? w.tier : [w.tier]).includes(facts.tier)) return false;
  if (w.lifetimeValueAtLeast !== undefined && facts.lifetimeValue < w.lifetimeValueAtLeast) return false;
  if (w.openTicketsAtLeast !== undefined && facts.openTickets < w.openTicketsAtLeast) return false;
  if (w.recentEscalationsAtLeast !== undefined && facts.recentEscalations < w.recentEscalationsAtLeast)
    return false;
  return true;
}

const rank = (p: Priority) => PRIORITIES.indexOf(p);

export interface CustomerPriorityResult {
  priority: Priority;
  /** Names of the rules that changed the priority, in table order. */
  fired: string[];
  reasons: string[];
}

/** Where the conversation stands: its priority so far and the customer rules already applied to it. */
export interface ConversationPriority {
  priority: Priority;
  fired: readonly string[];
}

/**
 * Every matching rule in table order, each on the priority the previous ones left. A rule not applied in
 * this segment yet raises the conversation's priority (a VIP whose chat is already medium is high now);
 * once applied it raises only what this message says, so it never compounds from message to message.
 */
export function applyCustomerPriority(
  priority: Priority,
  facts: CustomerFacts,
  table: CustomerPriority,
  conversation: ConversationPriority = { priority: 'low', fired: [] },
): CustomerPriorityResult {
  let current = priority;
  const fired: string[] = [];
  const reasons: string[] = [];
  for (const rule of table.rules) {
    if (!matches(rule, facts)) continue;
    const base =
      conversation.fired.includes(rule.name) || rank(conversation.priority) <= rank(current)
        ? current
        : conversation.priority;
    const target =
      rule.raise !== undefined
        ? (PRIORITIES[Math.min(PRIORITIES.length - 1, rank(base) + rule.raise)] ?? base)
        : rule.atLeast && rank(rule.atLeast) > rank(base)
          ? rule.atLeast
          : base;
    if (rank(target) <= rank(current)) continue;
    fired.push(rule.name);
    reasons.push(
      `rules: customer rule ${rule.name} (tier ${facts.tier}, lifetime value ${facts.lifetimeValue}, ${facts.openTickets} open tickets, ${facts.recentEscalations} recent escalations): priority ${current} → ${target}`,
    );
    current = target;
  }
  return { priority: current, fired, reasons };
}
