CREATE TABLE "channel_deliveries" (
	"session_id" text NOT NULL,
	"message_seq" integer NOT NULL,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"external_message_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"code" text,
	"reason" text,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "channel_deliveries_session_id_message_seq_pk" PRIMARY KEY("session_id","message_seq")
);
--> statement-breakpoint
CREATE TABLE "channel_sessions" (
	"channel" text NOT NULL,
	"external_id" text NOT NULL,
	"session_id" text NOT NULL,
	"phone" text,
	"profile_name" text,
	"created_at" timestamp with time zone NOT NULL,
	"claimed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "channel_sessions_channel_external_id_pk" PRIMARY KEY("channel","external_id")
);
--> statement-breakpoint
CREATE INDEX "channel_deliveries_failed_idx" ON "channel_deliveries" USING btree ("status","at");--> statement-breakpoint
CREATE INDEX "channel_sessions_session_idx" ON "channel_sessions" USING btree ("session_id");