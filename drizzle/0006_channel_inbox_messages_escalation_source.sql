CREATE TABLE "channel_inbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"external_id" text NOT NULL,
	"message_id" text NOT NULL,
	"inbound" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"session_id" text,
	"received_at" timestamp with time zone NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "channel_messages" (
	"session_id" text NOT NULL,
	"seq" integer NOT NULL,
	"part" integer NOT NULL,
	"channel" text NOT NULL,
	"external_id" text NOT NULL,
	"external_message_id" text NOT NULL,
	"status" text DEFAULT 'sent' NOT NULL,
	"error_code" text,
	"error_title" text,
	"sent_at" timestamp with time zone NOT NULL,
	"status_at" timestamp with time zone NOT NULL,
	CONSTRAINT "channel_messages_session_id_seq_part_pk" PRIMARY KEY("session_id","seq","part")
);
--> statement-breakpoint
CREATE TABLE "channel_status_events" (
	"channel" text NOT NULL,
	"external_message_id" text NOT NULL,
	"status" text NOT NULL,
	"recipient" text,
	"error_code" text,
	"error_title" text,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "channel_status_events_channel_external_message_id_status_pk" PRIMARY KEY("channel","external_message_id","status")
);
--> statement-breakpoint
ALTER TABLE "escalations" ADD COLUMN "source_type" text DEFAULT 'web' NOT NULL;--> statement-breakpoint
ALTER TABLE "escalations" ADD COLUMN "source_phone_number" text;--> statement-breakpoint
CREATE UNIQUE INDEX "channel_inbox_message_uq" ON "channel_inbox" USING btree ("channel","message_id");--> statement-breakpoint
CREATE INDEX "channel_inbox_pending_idx" ON "channel_inbox" USING btree ("status","channel","external_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_messages_external_uq" ON "channel_messages" USING btree ("channel","external_message_id");--> statement-breakpoint
CREATE INDEX "channel_messages_session_idx" ON "channel_messages" USING btree ("session_id","seq");