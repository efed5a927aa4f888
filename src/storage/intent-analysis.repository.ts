// `intent_analysis_log`: one row per turn that asked the LLM, keyed by (session_id, seq) so that writing
// the same turn's row again (a re-run effect) inserts nothing.
import type { Db } from './database.ts';
import { intentAnalysisLog } from './schema/index.ts';

export type IntentAnalysisRow = typeof intentAnalysisLog.$inferInsert;

export function createIntentAnalysisRepository(db: Db) {
  return {
    async recordOnce(row: IntentAnalysisRow): Promise<void> {
      await db
        .insert(intentAnalysisLog)
        .values(row)
        .onConflictDoNothing({ target: [intentAnalysisLog.sessionId, intentAnalysisLog.seq] });
    },
  };
}
