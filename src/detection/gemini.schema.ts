// The shape of the LLM's answer: a zod schema that parses it (the edge: nothing unparsed gets further)
// and the same shape as JSON Schema for Gemini's structured output (`responseJsonSchema`).
import { z } from 'zod';

export const LLM_INTENTS = [
  'QUESTION',
  'TRANSFER',
  'FEEDBACK',
  'SOLUTION_WORKED',
  'SOLUTION_FAILED',
  'SMALLTALK',
  'OTHER',
] as const;
export type LlmIntent = (typeof LLM_INTENTS)[number];

export const LLM_SENTIMENTS = ['angry', 'negative', 'neutral', 'positive', 'confused'] as const;

export const LLM_CATEGORIES = [
  'payment_issue',
  'delivery_problem',
  'refund_request',
  'complaint',
  'technical_issue',
  'product_inquiry',
  'other',
] as const;
export type LlmCategory = (typeof LLM_CATEGORIES)[number];

export const LLM_JOURNEY_STAGES = ['quotation', 'cart', 'payment', 'delivery', 'none'] as const;

export const llmAnswerSchema = z.object({
  resolution_confidence: z.number().min(0).max(100),
  escalation_needed: z.boolean(),
  intent: z.enum(LLM_INTENTS),
  confidence: z.number().min(0).max(1),
  reasoning: z.string().max(2000),
  sentiment: z.enum(LLM_SENTIMENTS),
  sentiment_score: z.number().min(-1).max(1),
  category: z.enum(LLM_CATEGORIES),
  journey_stage: z.enum(LLM_JOURNEY_STAGES),
});
export type LlmAnswer = z.infer<typeof llmAnswerSchema>;

/** The subset of JSON Schema that Gemini's `responseJsonSchema` supports, written out by hand. */
export const LLM_ANSWER_JSON_SCHEMA = {
  type: 'object',
  properties: {
    resolution_confidence: {
      type: 'number',
      minimum: 0,
      maximum: 100,
      description: 'How likely (0-100) the bot resolves this without a human.',
    },
    escalation_needed: { type: 'boolean', description: 'Should a human take over now?' },
    intent: { type: 'string', enum: [...LLM_INTENTS] },
    confidence: { type: 'number', minimum: 0, maximum: 1, description: 'Confidence in the intent (0-1).' },
    reasoning: { type: 'string', description: 'One short sentence: why.' },
    sentiment: { type: 'string', enum: [...LLM_SENTIMENTS] },
    sentiment_score: { type: 'number', minimum: -1, maximum: 1 },
    category: { type: 'string', enum: [...LLM_CATEGORIES] },
    journey_stage: { type: 'string', enum: [...LLM_JOURNEY_STAGES] },
  },
  required: [
    'resolution_confidence',
    'escalation_needed',
    'intent',
    'confidence',
    'reasoning',
    'sentiment',
    'sentiment_score',
    'category',
    'journey_stage',
  ],
  propertyOrdering: [
    'intent',
    'confidence',
    'escalation_needed',
    'resolution_confidence',
    'sentiment',
    'sentiment_score',
    'category',
    'journey_stage',
    'reasoning',
  ],
} as const;

export type ParsedAnswer = { ok: true; answer: LlmAnswer } | { ok: false; problem: string };

/** Parses the model's text: JSON first, then the schema. Never throws. */
export function parseLlmAnswer(text: string | undefined): ParsedAnswer {
  if (text === undefined || text.trim() === '') return { ok: false, problem: 'empty answer' };
  let json: unknown;
  try {
    // Some models wrap JSON in a Markdown fence even in JSON mode; accept that, nothing looser.
    json = JSON.parse(text.trim().replace(/^```(?:json)?\s*|\s*```$/g, ''));
  } catch {
    return { ok: false, problem: 'answer is not JSON' };
  }
  const parsed = llmAnswerSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return { ok: false, problem: `answer does not match the schema: ${problems.slice(0, 3).join('; ')}` };
  }
  return { ok: true, answer: parsed.data };
}
