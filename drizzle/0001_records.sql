CREATE TABLE "escalation_integrations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"escalation_id" uuid,
	"conversation_id" text NOT NULL,
	"target" text NOT NULL,
	"external_id" text,
	"external_url" text,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"idempotency_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "escalations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conversation_id" text NOT NULL,
	"segment" integer NOT NULL,
	"channel" text NOT NULL,
	"summary" text NOT NULL,
	"subject" text,
	"category" text,
	"priority" text NOT NULL,
	"triggers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"ai_confidence" double precision,
	"customer_sentiment" text,
	"sentiment_score" double precision,
	"journey_stage" text,
	"keywords" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"assigned_to" text,
	"resolution_summary" text,
	"resolution_category" text,
	"first_response_at" timestamp with time zone,
	"idempotency_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"assigned_at" timestamp with time zone,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "intent_analysis_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" text NOT NULL,
	"seq" integer NOT NULL,
	"message_text" text NOT NULL,
	"handover_needed" boolean NOT NULL,
	"confidence_score" double precision,
	"reason" text,
	"final_decision" text NOT NULL,
	"model_used" text,
	"layer" text,
	"latency_ms" integer,
	"failed" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operator_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"operator_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operators" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"display_name" text NOT NULL,
	"role" text NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disabled_at" timestamp with time zone,
	CONSTRAINT "operators_email_unique" UNIQUE("email")
);
--> statement-breakpoint
CREATE TABLE "support_tickets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_number" text NOT NULL,
	"customer_id" text,
	"customer_email" text,
	"session_id" text,
	"source_type" text NOT NULL,
	"source_reference_id" text,
	"source_phone_number" text,
	"subject" text NOT NULL,
	"description" text,
	"escalation_reason" text,
	"escalation_category" text,
	"priority" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"bot_detected_sentiment" text,
	"customer_journey_stage" text,
	"assigned_to_agent_id" text,
	"first_response_at" timestamp with time zone,
	"resolution_notes" text,
	"resolution_category" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"idempotency_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	CONSTRAINT "support_tickets_ticket_number_unique" UNIQUE("ticket_number"),
	CONSTRAINT "support_tickets_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "ticket_counters" (
	"year" integer PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "timers" (
	"session_id" text NOT NULL,
	"kind" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"armed_at_version" integer NOT NULL,
	"locked_until" timestamp with time zone,
	CONSTRAINT "timers_session_id_kind_pk" PRIMARY KEY("session_id","kind")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "escalation_integrations_key_uq" ON "escalation_integrations" USING btree ("idempotency_key","target");--> statement-breakpoint
CREATE INDEX "escalation_integrations_target_idx" ON "escalation_integrations" USING btree ("target","status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "escalations_idempotency_uq" ON "escalations" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "escalations_queue_idx" ON "escalations" USING btree ("status","priority","created_at");--> statement-breakpoint
CREATE INDEX "escalations_conversation_idx" ON "escalations" USING btree ("conversation_id","created_at");--> statement-breakpoint
CREATE INDEX "escalations_category_idx" ON "escalations" USING btree ("category","created_at");--> statement-breakpoint
CREATE INDEX "intent_analysis_log_created_idx" ON "intent_analysis_log" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "intent_analysis_log_session_idx" ON "intent_analysis_log" USING btree ("session_id","seq");--> statement-breakpoint
CREATE INDEX "operator_tokens_operator_idx" ON "operator_tokens" USING btree ("operator_id");--> statement-breakpoint
CREATE INDEX "support_tickets_status_priority_idx" ON "support_tickets" USING btree ("status","priority","created_at");--> statement-breakpoint
CREATE INDEX "support_tickets_session_idx" ON "support_tickets" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "support_tickets_category_idx" ON "support_tickets" USING btree ("escalation_category","created_at");--> statement-breakpoint
CREATE INDEX "timers_due_idx" ON "timers" USING btree ("due_at");