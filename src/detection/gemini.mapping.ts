// Maps the LLM's answer (its vocabulary) to a LayerResult (ours). The model may only choose among the
// intents the current state accepts: any other intent is kept in the record but does not decide.
import type { Category, Intent, LayerResult } from './detection.types.ts';
import type { LlmAnswer, LlmCategory, LlmIntent } from './gemini.schema.ts';

export const CATEGORY_FOR: Record<LlmCategory, Category | null> = {
  payment_issue: 'payment',
  delivery_problem: 'delivery',
  refund_request: 'refund',
  technical_issue: 'technical',
  // Our "other" category points to the help centre: right for a product question.
  product_inquiry: 'other',
  // No troubleshooting fits a complaint (it raises the priority instead); "other" says nothing.
  complaint: null,
  other: null,
};

const INTENT_FOR: Record<LlmIntent, Intent> = {
  TRANSFER: 'escalation_request',
  SOLUTION_WORKED: 'solution_worked',
  SOLUTION_FAILED: 'solution_failed',
  SMALLTALK: 'greeting',
  QUESTION: 'question',
  FEEDBACK: 'other',
  OTHER: 'other',
};

export interface MappingInput {
  answer: LlmAnswer;
  acceptedIntents: readonly string[];
  model: string;
  latencyMs: number;
}

export function toLayerResult({ answer, acceptedIntents, model, latencyMs }: MappingInput): LayerResult {
  const category = CATEGORY_FOR[answer.category];
  let intent: Intent = INTENT_FOR[answer.intent];
  // A message about a problem we have steps for, where the state wants an issue and not this intent
  // ("my card was declined again" before any step was given): it describes the issue.
  if (category !== null && acceptedIntents.includes('issue') && !acceptedIntents.includes(intent)) {
    intent = 'issue';
  }
  const accepted = acceptedIntents.includes(intent);
  const verdict = accepted
    ? `${answer.intent} → ${intent}`
    : `${answer.intent} → ${intent}, which this state does not accept: not decided`;
  return {
    layer: 'llm',
    decided: accepted,
    intent,
    confidence: answer.confidence,
    reason: `${verdict} (confidence ${answer.confidence}; escalation_needed ${answer.escalation_needed}, resolution ${answer.resolution_confidence}): ${answer.reasoning}`,
    category,
    raw: answer,
    latencyMs,
    model,
    sentiment: { label: answer.sentiment, score: answer.sentiment_score },
    escalationNeeded: answer.escalation_needed,
    resolutionConfidence: answer.resolution_confidence,
    journeyStage: answer.journey_stage,
    rawCategory: answer.category,
  };
}
