DROP INDEX "intent_analysis_log_session_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "intent_analysis_log_session_seq_uq" ON "intent_analysis_log" USING btree ("session_id","seq");