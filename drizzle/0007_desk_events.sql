CREATE TABLE "desk_inbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"desk" text NOT NULL,
	"event_id" text NOT NULL,
	"external_id" text NOT NULL,
	"event" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"available_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	"note" text,
	"received_at" timestamp with time zone NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "desk_outbound" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"desk" text NOT NULL,
	"external_id" text NOT NULL,
	"conversation_id" text NOT NULL,
	"fingerprint" text NOT NULL,
	"vendor_message_id" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "escalation_integrations" ADD COLUMN "desk_status" text;--> statement-breakpoint
ALTER TABLE "escalation_integrations" ADD COLUMN "desk_agent" text;--> statement-breakpoint
ALTER TABLE "escalation_integrations" ADD COLUMN "desk_status_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "desk_inbox_event_uq" ON "desk_inbox" USING btree ("desk","event_id");--> statement-breakpoint
CREATE INDEX "desk_inbox_pending_idx" ON "desk_inbox" USING btree ("status","available_at");--> statement-breakpoint
CREATE UNIQUE INDEX "desk_outbound_key_uq" ON "desk_outbound" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "desk_outbound_echo_idx" ON "desk_outbound" USING btree ("desk","external_id","fingerprint");--> statement-breakpoint
CREATE INDEX "escalation_integrations_external_idx" ON "escalation_integrations" USING btree ("target","external_id");