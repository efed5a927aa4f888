// Which turns get an `intent_analysis_log` row and what it says: every turn whose detection asked the LLM
// (answered or failed). The engine appends a `recordDetection` effect with these params to the turn's
// commit, so the row is written after the commit, at least once, and idempotently (one row per turn).
import { z } from 'zod';
import type { Detection } from './detection.types.ts';

export const RECORD_DETECTION = 'recordDetection';

export const intentLogParamsSchema = z.object({
  messageText: z.string(),
  /** What the LLM said about a handover (false when it failed). */
  handoverNeeded: z.boolean(),
  confidenceScore: z.number().nullable(),
  reason: z.string().nullable(),
  /** What the turn did: the machine event and the state it led to. */
  finalDecision: z.string(),
  modelUsed: z.string().nullable(),
  /** The layer whose signal decided the final intent (button, keyword, llm, rules) or null. */
  layer: z.string().nullable(),
  latencyMs: z.number().int().nullable(),
  failed: z.boolean(),
});
export type IntentLogParams = z.infer<typeof intentLogParamsSchema>;

const MAX_TEXT = 4000;

/** The row for a turn, or null when the LLM was not asked (nothing to log). */
export function intentLogParams(
  detection: Detection | null,
  messageText: string,
  eventType: string,
  toState: string,
): IntentLogParams | null {
  const llm = detection?.layers.find((l) => l.layer === 'llm');
  if (!detection || !llm) return null;
  const triggers = detection.triggers.length > 0 ? ` [${detection.triggers.join(', ')}]` : '';
  return {
    messageText: messageText.slice(0, MAX_TEXT),
    handoverNeeded: llm.failed ? false : (llm.escalationNeeded ?? llm.intent === 'escalation_request'),
    confidenceScore: llm.failed ? null : llm.confidence,
    reason: llm.reason.slice(0, MAX_TEXT),
    finalDecision: `${detection.intent} → ${eventType} → ${toState}${triggers}`,
    modelUsed: llm.model ?? null,
    layer: detection.layer,
    latencyMs: llm.latencyMs === undefined ? null : Math.round(llm.latencyMs),
    failed: llm.failed ?? false,
  };
}
