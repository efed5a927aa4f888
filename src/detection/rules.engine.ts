// Turns the layers' results into one Detection: the winning intent, sentiment (local combined with the
// LLM's), category, journey stage, priority, and the triggers that justify an escalation. Every threshold
// comes from configuration. A rule that escalates turns the intent into `frustrated` (the machine's
// "offer a human" event) and records why in `triggers`; it only fires when the current state accepts that
// event, so no trigger is recorded for an escalation that cannot happen.
import type { CustomerFacts } from '../contacts/contact.types.ts';
import type { ConversationContext } from '../machines/conversation.context.ts';
import { applyCustomerPriority, type CustomerPriority } from './customer-priority.ts';
import type {
  Category,
  Detection,
  Intent,
  JourneyStage,
  LayerName,
  LayerResult,
  Priority,
  Sentiment,
} from './detection.types.ts';
import { combineSentiment } from './sentiment.combine.ts';

export interface RulesConfig {
  /** Keyword/LLM confidence at or above which a layer's intent is taken. */
  decideConfidence: number;
  /** Visitor turns in one segment after which the bot offers a human on its own. */
  maxBotTurns: number;
  /** Sentiment score at or below which the visitor is offered a human. */
  escalateSentimentBelow: number;
  /** The LLM's `escalation_needed` counts only at or above this confidence … */
  llmEscalationConfidence: number;
  /** … and only while its resolution confidence (0–100) is below this. */
  llmResolutionBelow: number;
  /** Two visitor messages in a row at or below this score are "repeated frustration". */
  repeatedFrustrationBelow: number;
  /** Priority by customer (tier, lifetime value, open tickets, recent escalations); absent: none. */
  customerPriority?: CustomerPriority;
}

export const DEFAULT_RULES: RulesConfig = {
  decideConfidence: 0.6,
  maxBotTurns: 10,
  escalateSentimentBelow: -0.5,
  llmEscalationConfidence: 0.7,
  llmResolutionBelow: 50,
  repeatedFrustrationBelow: -0.25,
};

/** Why a human was offered (also the machine's own: attempts_exhausted, no_steps_left, handoff_failed). */
export const TRIGGERS = {
  explicitRequest: 'explicit_request',
  frustration: 'frustration',
  llmEscalation: 'llm_escalation',
  negativeSentiment: 'negative_sentiment',
  repeatedFrustration: 'repeated_frustration',
  triedEverything: 'tried_everything',
  tooManyTurns: 'too_many_turns',
} as const;

/** The prefix of a customer priority rule's trigger (`customer:vip`). */
export const CUSTOMER_TRIGGER = 'customer:';

/** Triggers that say the visitor is unhappy: they raise the priority to at least high. */
const UNHAPPY_TRIGGERS: readonly string[] = [
  TRIGGERS.frustration,
  TRIGGERS.llmEscalation,
  TRIGGERS.negativeSentiment,
  TRIGGERS.repeatedFrustration,
  TRIGGERS.triedEverything,
  TRIGGERS.tooManyTurns,
];

const NEUTRAL: Sentiment = { label: 'neutral', score: 0 };

export interface PriorityInput {
  category: Category | null;
  sentiment: Sentiment;
  triggers: readonly string[];
  /** The LLM filed the message as a complaint (a category of its own, not one of ours). */
  complaint?: boolean;
}

/**
 * The priority table (README "Detection and priority"), first row that matches wins:
 * angry (an ultimatum counts as anger) → urgent; payment or refund (a dispute, a failed payment, a damaged
 * item) → high, however unhappy short of anger; complaint, an unhappy trigger or negative sentiment → high;
 * explicit request, confused, delivery, login, technical → medium; anything else → low.
 */
export function priorityFor(input: PriorityInput): Priority {
  const { category, sentiment, triggers } = input;
  if (sentiment.label === 'angry') return 'urgent';
  // A slightly negative score is what "my payment failed twice" sounds like: that is a dispute (high), not
  // an emergency. Only anger makes money urgent.
  if (category === 'payment' || category === 'refund') return 'high';
  if (input.complaint || sentiment.label === 'negative' || triggers.some((t) => UNHAPPY_TRIGGERS.includes(t)))
    return 'high';
  if (
    triggers.includes(TRIGGERS.explicitRequest) ||
    sentiment.label === 'confused' ||
    category === 'delivery' ||
    category === 'login' ||
    category === 'technical'
  )
    return 'medium';
  return 'low';
}

const JOURNEY_CUES: ReadonlyArray<[JourneyStage, RegExp]> = [
  ['quotation', /\b(quote|quotation|estimate|pricing|price list|how much (is|does|would))\b/i],
  ['cart', /\b(cart|basket|add(ed)? to (my )?(cart|basket|order))\b/i],
  ['payment', /\b(checkout|pay(ment|ing)?|paid|card|charged|invoice|billing)\b/i],
  ['delivery', /\b(deliver\w*|shipping|shipment|parcel|package|courier|tracking|arriv\w*)\b/i],
];

/** Where in the purchase journey the visitor is, from their words (the LLM's view wins when it has one). */
export function journeyStageFor(text: string, category: Category | null): JourneyStage {
  for (const [stage, cue] of JOURNEY_CUES) if (cue.test(text)) return stage;
  if (category === 'payment') return 'payment';
  if (category === 'delivery') return 'delivery';
  return 'none';
}

const COMPLAINT_CUE = /\b(complain\w*|complaint|claims?|reclamation|grievance)\b/i;

/** The visitor files or wants to file a complaint (the LLM's `complaint` category says the same). */
export function complaintCue(text: string): boolean {
  return COMPLAINT_CUE.test(text);
}

export interface RulesInput {
  layers: LayerResult[];
  /** Local sentiment of the message (no network); `exhausted` when the visitor says they tried everything. */
  sentiment?: Sentiment & { cues?: readonly string[]; exhausted?: boolean };
  context: ConversationContext;
  /** Intents the current state accepts; escalation rules fire only when `frustrated` is among them. */
  acceptedIntents?: readonly string[];
  /** Journey stage from the local cues (journeyStageFor). */
  journeyStage?: JourneyStage;
  /** The words file a complaint (complaintCue): priority at least high. */
  complaint?: boolean;
  /** The message tries to instruct the bot (injectionCue): it may not close the conversation. */
  injection?: string | null;
  /** What we know about the person writing (looked up before detection, recorded in the detection). */
  customer?: CustomerFacts | null;
}

/** Intents that close or confirm the end of a conversation. */
const CLOSING: readonly Intent[] = ['solution_worked', 'affirm'];

/**
 * Whether a layer's decision is one the current state can act on: its intent is accepted, or it names a
 * category where the state takes an issue (event.mapping.ts falls back to that). A keyword decision the
 * state cannot use ("arrived" read as a delivery issue while troubleshooting) leaves the message undecided,
 * so the LLM still looks at it.
 */
export function usableDecision(
  layer: LayerResult,
  config: RulesConfig,
  acceptedIntents: readonly string[] | undefined,
): boolean {
  if (!layer.decided || layer.intent === null || layer.confidence < config.decideConfidence) return false;
  if (!acceptedIntents || layer.intent === 'button') return true;
  return (
    acceptedIntents.includes(layer.intent) ||
    (layer.category != null && layer.intent !== 'escalation_request' && acceptedIntents.includes('issue'))
  );
}

/** Intents that mean the bot's help is working: no rule turns them into an escalation. */
const SETTLED: readonly Intent[] = ['escalation_request', 'button', 'solution_worked', 'affirm'];

export function applyRules(input: RulesInput, config: RulesConfig = DEFAULT_RULES): Detection {
  const { layers, context } = input;
  const local = input.sentiment ?? NEUTRAL;
  // The first decision the state can act on; failing that, the first decision at all (it still names the
  // intent for the record and for triggers, and event.mapping.ts turns it into plain text).
  const winner =
    layers.find((l) => usableDecision(l, config, input.acceptedIntents)) ??
    layers.find((l) => usableDecision(l, config, undefined));
  const llm = layers.find((l) => l.layer === 'llm' && !l.failed);
  const sentiment = combineSentiment(local, llm?.sentiment);
  const category = layers.find((l) => l.category)?.category ?? null;
  const reasons = layers.map((l) => `${l.layer}: ${l.reason}`);
  const triggers: string[] = [];
  let intent: Intent = winner?.intent ?? 'other';
  let layer: LayerName | null = winner?.layer ?? null;
  let confidence = winner?.confidence ?? 0;

  const cues = input.sentiment?.cues?.length ? ` (${input.sentiment.cues.join('; ')})` : '';
  reasons.push(
    `sentiment: local ${local.label} ${local.score.toFixed(2)}${cues}` +
      (llm?.sentiment ? `, llm ${llm.sentiment.label} ${llm.sentiment.score.toFixed(2)}` : '') +
      ` → ${sentiment.label} ${sentiment.score.toFixed(2)}`,
  );

  if (input.injection && CLOSING.includes(intent)) {
    reasons.push(
      `rules: the message tries to instruct the bot (${input.injection}): it cannot close the conversation`,
    );
    intent = 'other';
    layer = 'rules';
    confidence = 1;
  }
  // A frustration word the mood does not confirm ("where is my damn parcel": profanity aimed at the
  // problem, sentiment not negative), before the bot has tried anything (the state still takes an issue):
  // solve the problem first — its category's steps, or ask what it is — instead of offering a human.
  if (
    intent === 'frustrated' &&
    winner?.layer === 'keyword' &&
    input.acceptedIntents?.includes('issue') &&
    sentiment.label !== 'angry' &&
    sentiment.label !== 'negative'
  ) {
    reasons.push(
      `rules: frustration word without a negative mood (${sentiment.score.toFixed(2)}): ${category ? `the ${category} issue first` : 'ask about the problem first'}`,
    );
    intent = category ? 'issue' : 'other';
    layer = 'rules';
  }
  if (intent === 'escalation_request') triggers.push(TRIGGERS.explicitRequest);
  if (intent === 'frustrated') triggers.push(TRIGGERS.frustration);

  const canEscalate = input.acceptedIntents ? input.acceptedIntents.includes('frustrated') : true;
  if (canEscalate && !SETTLED.includes(intent)) {
    const escalate = (trigger: string, reason: string, by: LayerName, byConfidence: number) => {
      triggers.push(trigger);
      reasons.push(`rules: ${reason}`);
      if (intent !== 'frustrated') {
        intent = 'frustrated';
        layer = by;
        confidence = byConfidence;
      }
    };
    if (
      llm?.escalationNeeded &&
      llm.confidence >= config.llmEscalationConfidence &&
      (llm.resolutionConfidence ?? 100) < config.llmResolutionBelow
    ) {
      escalate(
        TRIGGERS.llmEscalation,
        `LLM says escalate (confidence ${llm.confidence} ≥ ${config.llmEscalationConfidence}, resolution ${llm.resolutionConfidence} < ${config.llmResolutionBelow})`,
        'llm',
        llm.confidence,
      );
    }
    if (sentiment.score <= config.escalateSentimentBelow) {
      escalate(
        TRIGGERS.negativeSentiment,
        `sentiment ${sentiment.score.toFixed(2)} ≤ ${config.escalateSentimentBelow}`,
        'rules',
        1,
      );
    }
    if (
      context.messageCount > 0 &&
      sentiment.score <= config.repeatedFrustrationBelow &&
      context.sentiment.score <= config.repeatedFrustrationBelow
    ) {
      escalate(
        TRIGGERS.repeatedFrustration,
        `second unhappy message in a row (${context.sentiment.score.toFixed(2)}, ${sentiment.score.toFixed(2)} ≤ ${config.repeatedFrustrationBelow})`,
        'rules',
        1,
      );
    }
    if (input.sentiment?.exhausted) {
      escalate(TRIGGERS.triedEverything, 'the visitor says they tried everything', 'rules', 1);
    }
    if (context.messageCount + 1 > config.maxBotTurns) {
      escalate(
        TRIGGERS.tooManyTurns,
        `more than ${config.maxBotTurns} visitor turns without resolution`,
        'rules',
        1,
      );
    }
  }

  const journeyStage =
    llm?.journeyStage && llm.journeyStage !== 'none' ? llm.journeyStage : (input.journeyStage ?? 'none');
  let priority = priorityFor({
    category: category ?? context.category,
    sentiment,
    triggers,
    complaint: input.complaint === true || llm?.rawCategory === 'complaint',
  });
  const customer = input.customer ?? null;
  if (customer && config.customerPriority) {
    const byCustomer = applyCustomerPriority(priority, customer, config.customerPriority, {
      priority: context.priority,
      fired: context.triggers
        .filter((t) => t.startsWith(CUSTOMER_TRIGGER))
        .map((t) => t.slice(CUSTOMER_TRIGGER.length)),
    });
    priority = byCustomer.priority;
    triggers.push(...byCustomer.fired.map((name) => `${CUSTOMER_TRIGGER}${name}`));
    reasons.push(...byCustomer.reasons);
  }
  return {
    layer,
    intent,
    confidence,
    sentiment,
    category,
    priority,
    journeyStage,
    buttonId: winner?.buttonId,
    reasons,
    triggers,
    layers,
    ...(customer ? { customer } : {}),
  };
}
