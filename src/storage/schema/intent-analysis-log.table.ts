import {
  boolean,
  doublePrecision,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export const intentAnalysisLog = pgTable(
  'intent_analysis_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: text('session_id').notNull(),
    seq: integer('seq').notNull(),
    messageText: text('message_text').notNull(),
    handoverNeeded: boolean('handover_needed').notNull(),
    confidenceScore: doublePrecision('confidence_score'),
    reason: text('reason'),
    finalDecision: text('final_decision').notNull(),
    modelUsed: text('model_used'),
    /** button, keyword, llm, rules */
    layer: text('layer'),
    latencyMs: integer('latency_ms'),
    failed: boolean('failed').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('intent_analysis_log_created_idx').on(t.createdAt),
    // One row per turn: the effect that writes it runs at least once, so the insert must be idempotent.
    uniqueIndex('intent_analysis_log_session_seq_uq').on(t.sessionId, t.seq),
  ],
);
