CREATE TABLE "auto_assign_picks" (
	"turn_key" text PRIMARY KEY NOT NULL,
	"conversation_id" text NOT NULL,
	"agent_id" uuid NOT NULL,
	"picked_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "canned_replies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"shortcut" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "canned_replies_shortcut_unique" UNIQUE("shortcut")
);
--> statement-breakpoint
CREATE TABLE "conversation_notes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conversation_id" text NOT NULL,
	"author_id" uuid NOT NULL,
	"kind" text DEFAULT 'note' NOT NULL,
	"text" text NOT NULL,
	"to_agent_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "operators" ADD COLUMN "availability" text DEFAULT 'offline' NOT NULL;--> statement-breakpoint
ALTER TABLE "operators" ADD COLUMN "present_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "operators" ADD COLUMN "capacity" integer;--> statement-breakpoint
ALTER TABLE "operators" ADD COLUMN "last_auto_assigned_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "auto_assign_picks_agent_idx" ON "auto_assign_picks" USING btree ("agent_id","picked_at");--> statement-breakpoint
CREATE INDEX "conversation_notes_conversation_idx" ON "conversation_notes" USING btree ("conversation_id","created_at");