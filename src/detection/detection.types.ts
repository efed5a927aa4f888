// The vocabulary every detection layer speaks. A layer either decides (intent + confidence) or abstains.
import { z } from 'zod';
import { customerFactsSchema } from '../contacts/contact.types.ts';

import { CATEGORIES, PRIORITIES } from './detection.constants.ts';

export { CATEGORIES, PRIORITIES };
export const categorySchema = z.enum(CATEGORIES);
export type Category = z.infer<typeof categorySchema>;

export const INTENTS = [
  'escalation_request', // visitor explicitly asks for a human
  'issue', // visitor describes a problem (category set when known)
  'greeting',
  'solution_worked',
  'solution_failed',
  'acknowledged', // "ok", "done", "next": step taken, no verdict yet
  'affirm', // "yes" to a yes/no question
  'deny', // "no" to a yes/no question
  'frustrated', // strong negative feeling without an explicit request
  'button', // a quick-reply button on offer was chosen
  'question',
  'other',
] as const;
export const intentSchema = z.enum(INTENTS);
export type Intent = z.infer<typeof intentSchema>;

export const SENTIMENTS = ['angry', 'negative', 'neutral', 'positive', 'confused'] as const;
export const sentimentLabelSchema = z.enum(SENTIMENTS);
export type SentimentLabel = z.infer<typeof sentimentLabelSchema>;
export const sentimentSchema = z.object({ label: sentimentLabelSchema, score: z.number().min(-1).max(1) });
export type Sentiment = z.infer<typeof sentimentSchema>;

export const prioritySchema = z.enum(PRIORITIES);
export type Priority = z.infer<typeof prioritySchema>;

export const JOURNEY_STAGES = ['quotation', 'cart', 'payment', 'delivery', 'none'] as const;
export const journeyStageSchema = z.enum(JOURNEY_STAGES);
export type JourneyStage = z.infer<typeof journeyStageSchema>;

export const LAYERS = ['button', 'keyword', 'learned', 'llm', 'rules'] as const;
export type LayerName = (typeof LAYERS)[number];

/** What one layer said about one message. `decided: false` means the next layer should look. */
export const layerResultSchema = z.object({
  layer: z.enum(LAYERS),
  decided: z.boolean(),
  intent: intentSchema.nullable(),
  confidence: z.number().min(0).max(1),
  reason: z.string(),
  category: categorySchema.nullable().optional(),
  buttonId: z.string().optional(),
  matchedPhrase: z.string().optional(),
  /** Keyword layer: intents its rules ruled out (a negated or past human mention, a verdict asked as a
   * question), which a later local layer must not conclude. */
  ruledOut: z.array(intentSchema).optional(),
  /** Recorded raw answer (LLM) so that replay never calls the model again. */
  raw: z.unknown().optional(),
  latencyMs: z.number().optional(),
  /** The layer was asked but failed (timeout, 429/5xx, unparseable answer): the turn went on without it. */
  failed: z.boolean().optional(),
  /** Which model answered (LLM layer). */
  model: z.string().optional(),
  /** The LLM's own view of the message, combined with the local layers by the rules engine. */
  sentiment: sentimentSchema.optional(),
  escalationNeeded: z.boolean().optional(),
  /** 0–100: how sure the LLM is that the conversation is on its way to being resolved by the bot. */
  resolutionConfidence: z.number().min(0).max(100).optional(),
  journeyStage: journeyStageSchema.optional(),
  /** The classifier's category before mapping to ours (complaint, product_inquiry … have no own category). */
  rawCategory: z.string().optional(),
});
export type LayerResult = z.infer<typeof layerResultSchema>;

/** The one typed result of the detection pipeline for one visitor message. */
export const detectionSchema = z.object({
  layer: z.enum(LAYERS).nullable(),
  intent: intentSchema,
  confidence: z.number().min(0).max(1),
  sentiment: sentimentSchema,
  category: categorySchema.nullable(),
  priority: prioritySchema,
  journeyStage: journeyStageSchema,
  buttonId: z.string().optional(),
  reasons: z.array(z.string()),
  triggers: z.array(z.string()),
  layers: z.array(layerResultSchema),
  /** Only when the message is, with confidence, in a content language other than the session's. */
  language: z.string().optional(),
  /** What the customer priority rules read about the person (absent for a visitor nobody knows). */
  customer: customerFactsSchema.optional(),
});
export type Detection = z.infer<typeof detectionSchema>;
