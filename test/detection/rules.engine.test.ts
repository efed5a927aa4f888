// The rules engine as a pure function. Risks covered: an escalation rule not firing (or firing with the
// wrong threshold), a decision without a recorded trigger, an escalation recorded in a state that cannot
// escalate, a settled conversation ("it worked") escalated by a rule, and priorities that disagree with the
// README's table.
import { describe, expect, it } from 'vitest';
import type { LayerResult, Sentiment } from '../../src/detection/detection.types.ts';
import { applyRules, DEFAULT_RULES, journeyStageFor, priorityFor } from '../../src/detection/rules.engine.ts';
import type { ConversationContext } from '../../src/machines/conversation.context.ts';

const context: ConversationContext = {
  segment: 1,
  totalMessageCount: 2,
  messageCount: 2,
  troubleshootingAttempts: 0,
  stepIndex: 0,
  escalationAttempts: 0,
  category: null,
  visitor: {},
  sentiment: { label: 'neutral', score: 0 },
  priority: 'low',
  journeyStage: 'none',
  triggers: [],
  escalationReason: null,
  instantChatUnavailable: false,
  assignedAgentId: null,
  inputProblem: null,
  closedReason: null,
  history: [],
};
const TROUBLESHOOTING = [
  'escalation_request',
  'solution_worked',
  'solution_failed',
  'acknowledged',
  'frustrated',
];
const NEUTRAL: Sentiment = { label: 'neutral', score: 0 };

const keyword = (intent: LayerResult['intent'], confidence = 0.9, category: LayerResult['category'] = null) =>
  ({
    layer: 'keyword',
    decided: intent !== null,
    intent,
    confidence,
    reason: 'test',
    category,
  }) satisfies LayerResult;

function llm(over: Partial<LayerResult> = {}): LayerResult {
  return {
    layer: 'llm',
    decided: false,
    intent: 'question',
    confidence: 0.8,
    reason: 'test',
    category: null,
    escalationNeeded: false,
    resolutionConfidence: 80,
    sentiment: NEUTRAL,
    journeyStage: 'none',
    ...over,
  };
}

describe('rules: escalation triggers', () => {
  it('explicit request', () => {
    const d = applyRules({
      layers: [keyword('escalation_request')],
      context,
      acceptedIntents: TROUBLESHOOTING,
    });
    expect(d).toMatchObject({
      intent: 'escalation_request',
      layer: 'keyword',
      triggers: ['explicit_request'],
    });
    expect(d.priority).toBe('medium');
  });

  it('LLM escalation_needed counts only with confidence ≥ 0.7 and resolution confidence < 50', () => {
    const fire = applyRules({
      layers: [keyword(null, 0), llm({ escalationNeeded: true, confidence: 0.7, resolutionConfidence: 49 })],
      context,
      acceptedIntents: TROUBLESHOOTING,
    });
    expect(fire).toMatchObject({ intent: 'frustrated', layer: 'llm', triggers: ['llm_escalation'] });
    expect(fire.priority).toBe('high');
    for (const over of [
      { escalationNeeded: true, confidence: 0.69, resolutionConfidence: 10 },
      { escalationNeeded: true, confidence: 0.95, resolutionConfidence: 50 },
      { escalationNeeded: false, confidence: 0.95, resolutionConfidence: 5 },
    ]) {
      const d = applyRules({
        layers: [keyword(null, 0), llm(over)],
        context,
        acceptedIntents: TROUBLESHOOTING,
      });
      expect(d.triggers).toEqual([]);
      expect(d.intent).toBe('other');
    }
  });

  it('thresholds come from configuration', () => {
    const d = applyRules(
      {
        layers: [llm({ escalationNeeded: true, confidence: 0.6, resolutionConfidence: 70 })],
        context,
        acceptedIntents: TROUBLESHOOTING,
      },
      { ...DEFAULT_RULES, llmEscalationConfidence: 0.5, llmResolutionBelow: 80 },
    );
    expect(d.triggers).toContain('llm_escalation');
  });

  it('sentiment ≤ −0.5 escalates and records negative_sentiment', () => {
    const d = applyRules({
      layers: [keyword('solution_failed')],
      sentiment: { label: 'angry', score: -0.8 },
      context,
      acceptedIntents: TROUBLESHOOTING,
    });
    expect(d).toMatchObject({ intent: 'frustrated', layer: 'rules', priority: 'urgent' });
    expect(d.triggers).toContain('negative_sentiment');
  });

  it('repeated frustration: two unhappy messages in a row', () => {
    const unhappy: Sentiment = { label: 'negative', score: -0.3 };
    const first = applyRules({
      layers: [keyword('solution_failed')],
      sentiment: unhappy,
      context,
      acceptedIntents: TROUBLESHOOTING,
    });
    expect(first.intent).toBe('solution_failed');
    const second = applyRules({
      layers: [keyword('solution_failed')],
      sentiment: unhappy,
      context: { ...context, sentiment: unhappy },
      acceptedIntents: TROUBLESHOOTING,
    });
    expect(second).toMatchObject({ intent: 'frustrated', triggers: ['repeated_frustration'] });
  });

  it('"tried everything" escalates', () => {
    const d = applyRules({
      layers: [keyword('solution_failed')],
      sentiment: { label: 'negative', score: -0.3, exhausted: true },
      context,
      acceptedIntents: TROUBLESHOOTING,
    });
    expect(d).toMatchObject({ intent: 'frustrated', triggers: ['tried_everything'] });
  });

  it('more than 10 visitor turns without resolution', () => {
    const at10 = applyRules({
      layers: [keyword('acknowledged')],
      context: { ...context, messageCount: 9 },
      acceptedIntents: TROUBLESHOOTING,
    });
    expect(at10.triggers).toEqual([]);
    const at11 = applyRules({
      layers: [keyword('acknowledged')],
      context: { ...context, messageCount: 10 },
      acceptedIntents: TROUBLESHOOTING,
    });
    expect(at11).toMatchObject({ intent: 'frustrated', triggers: ['too_many_turns'] });
  });

  it('no rule turns "it worked" or a pressed button into an escalation', () => {
    for (const intent of ['solution_worked', 'affirm', 'button'] as const) {
      const d = applyRules({
        layers: [keyword(intent)],
        sentiment: { label: 'angry', score: -0.9 },
        context: { ...context, messageCount: 20, sentiment: { label: 'angry', score: -0.9 } },
        acceptedIntents: TROUBLESHOOTING,
      });
      expect(d.intent).toBe(intent);
      expect(d.triggers).toEqual([]);
      expect(d.priority).toBe('urgent');
    }
  });

  it('records no escalation trigger where the state cannot escalate (collecting a phone number)', () => {
    const d = applyRules({
      layers: [keyword(null, 0)],
      sentiment: { label: 'angry', score: -0.9 },
      context: { ...context, messageCount: 20 },
      acceptedIntents: [],
    });
    expect(d.triggers).toEqual([]);
    expect(d.intent).toBe('other');
    expect(d.priority).toBe('urgent');
  });
});

describe('rules: a frustration word the mood does not confirm', () => {
  const GREETING = ['escalation_request', 'issue', 'greeting', 'frustrated'];
  it('before any help, "my damn parcel" is the delivery issue, not an offer of a human', () => {
    const d = applyRules({
      layers: [keyword('frustrated', 0.8, 'delivery')],
      sentiment: { label: 'neutral', score: -0.2 },
      context,
      acceptedIntents: GREETING,
    });
    expect(d).toMatchObject({ intent: 'issue', layer: 'rules', category: 'delivery', triggers: [] });
  });

  it('without a category it asks about the problem (plain text)', () => {
    const d = applyRules({
      layers: [keyword('frustrated', 0.8)],
      sentiment: NEUTRAL,
      context,
      acceptedIntents: GREETING,
    });
    expect(d.intent).toBe('other');
  });

  it('a negative mood confirms it, and after help has started it always counts', () => {
    const negative = applyRules({
      layers: [keyword('frustrated', 0.8, 'delivery')],
      sentiment: { label: 'negative', score: -0.4 },
      context,
      acceptedIntents: GREETING,
    });
    expect(negative).toMatchObject({ intent: 'frustrated', triggers: ['frustration'] });
    const troubleshooting = applyRules({
      layers: [keyword('frustrated', 0.8, 'delivery')],
      sentiment: NEUTRAL,
      context,
      acceptedIntents: TROUBLESHOOTING,
    });
    expect(troubleshooting.intent).toBe('frustrated');
  });
});

describe('rules: combining layers', () => {
  it('takes the first decided layer above the decide confidence; the LLM only when the keyword did not', () => {
    const d = applyRules({
      layers: [
        keyword('acknowledged', 0.5),
        llm({ decided: true, intent: 'solution_failed', confidence: 0.85 }),
      ],
      context,
      acceptedIntents: TROUBLESHOOTING,
    });
    expect(d).toMatchObject({ intent: 'solution_failed', layer: 'llm', confidence: 0.85 });
  });

  it('a failed LLM layer contributes nothing but stays in the record', () => {
    const failed: LayerResult = {
      layer: 'llm',
      decided: false,
      intent: null,
      confidence: 0,
      reason: 'failed (timeout)',
      failed: true,
    };
    const d = applyRules({ layers: [keyword(null, 0), failed], context, acceptedIntents: TROUBLESHOOTING });
    expect(d.intent).toBe('other');
    expect(d.layers).toContain(failed);
  });

  it('the LLM sentiment is combined with the local one', () => {
    const d = applyRules({
      layers: [llm({ sentiment: { label: 'angry', score: -0.7 } })],
      sentiment: NEUTRAL,
      context,
      acceptedIntents: TROUBLESHOOTING,
    });
    expect(d.sentiment).toEqual({ label: 'angry', score: -0.7 });
    expect(d.reasons.some((r) => r.startsWith('sentiment: local neutral 0.00, llm angry -0.70'))).toBe(true);
  });

  it('journey stage: the LLM view, else local cues, else from the category', () => {
    expect(
      applyRules({ layers: [llm({ journeyStage: 'cart' })], context, journeyStage: 'payment' }).journeyStage,
    ).toBe('cart');
    expect(applyRules({ layers: [llm()], context, journeyStage: 'payment' }).journeyStage).toBe('payment');
    expect(journeyStageFor('my parcel never came', null)).toBe('delivery');
    expect(journeyStageFor('I want a quote for 20 chairs', null)).toBe('quotation');
    expect(journeyStageFor('it crashes', 'payment')).toBe('payment');
    expect(journeyStageFor('it crashes', 'technical')).toBe('none');
  });
});

describe('priority table (README "Detection and priority")', () => {
  const s = (label: Sentiment['label'], score: number): Sentiment => ({ label, score });
  it.each([
    ['angry, any category', { category: null, sentiment: s('angry', -0.6), triggers: [] }, 'urgent'],
    // Issue 15: a payment dispute is high, not urgent; "my payment failed twice" scores about −0.2.
    ['refund dispute', { category: 'refund', sentiment: s('negative', -0.3), triggers: [] }, 'high'],
    ['payment dispute', { category: 'payment', sentiment: s('neutral', -0.1), triggers: [] }, 'high'],
    ['payment failed twice', { category: 'payment', sentiment: s('negative', -0.2), triggers: [] }, 'high'],
    ['angry about money', { category: 'refund', sentiment: s('angry', -0.5), triggers: [] }, 'urgent'],
    ['payment, calm', { category: 'payment', sentiment: s('neutral', 0), triggers: [] }, 'high'],
    ['complaint', { category: null, sentiment: s('neutral', 0), triggers: [], complaint: true }, 'high'],
    [
      'frustration trigger',
      { category: 'technical', sentiment: s('neutral', 0), triggers: ['frustration'] },
      'high',
    ],
    ['negative', { category: null, sentiment: s('negative', -0.3), triggers: [] }, 'high'],
    [
      'explicit request',
      { category: null, sentiment: s('neutral', 0), triggers: ['explicit_request'] },
      'medium',
    ],
    ['confused', { category: null, sentiment: s('confused', -0.1), triggers: [] }, 'medium'],
    ['delivery', { category: 'delivery', sentiment: s('neutral', 0), triggers: [] }, 'medium'],
    ['other, calm', { category: 'other', sentiment: s('positive', 0.4), triggers: [] }, 'low'],
  ] as const)('%s → %s', (_name, input, expected) => {
    expect(priorityFor({ ...input, triggers: [...input.triggers] })).toBe(expected);
  });
});
