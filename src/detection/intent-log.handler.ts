// The `recordDetection` effect handler: writes one `intent_analysis_log` row per turn that asked the LLM.
// Idempotent: (session_id, seq) is unique and a re-run of the same effect inserts nothing.
import type { EffectHandler } from '../engine/effect.worker.ts';
import type { Db } from '../storage/database.ts';
import { createIntentAnalysisRepository } from '../storage/intent-analysis.repository.ts';
import { intentLogParamsSchema } from './intent-log.record.ts';

export function createIntentLogHandler(db: Db): EffectHandler {
  const log = createIntentAnalysisRepository(db);
  return async (effect) => {
    const parsed = intentLogParamsSchema.safeParse(effect.params);
    if (!parsed.success) {
      // A malformed record is a bug in the engine, not a transient problem: retrying cannot fix it.
      return { outcome: 'failed', error: `recordDetection params invalid: ${parsed.error.message}` };
    }
    const p = parsed.data;
    await log.recordOnce({
      sessionId: effect.sessionId,
      seq: effect.seq,
      messageText: p.messageText,
      handoverNeeded: p.handoverNeeded,
      confidenceScore: p.confidenceScore,
      reason: p.reason,
      finalDecision: p.finalDecision,
      modelUsed: p.modelUsed,
      layer: p.layer,
      latencyMs: p.latencyMs,
      failed: p.failed,
    });
    return { outcome: 'done' };
  };
}
