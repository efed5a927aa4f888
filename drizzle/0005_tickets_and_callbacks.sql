CREATE TABLE "callbacks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" text NOT NULL,
	"escalation_id" uuid,
	"idempotency_key" text NOT NULL,
	"phone" text,
	"visitor_name" text,
	"window_text" text,
	"due_at" timestamp with time zone NOT NULL,
	"window_ends_at" timestamp with time zone NOT NULL,
	"priority" text NOT NULL,
	"category" text,
	"summary" text,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"notes" text,
	"assigned_to" text,
	"reminded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "ticket_replies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_id" uuid NOT NULL,
	"author_type" text NOT NULL,
	"author_id" text,
	"author_name" text,
	"body" text NOT NULL,
	"is_public" boolean DEFAULT true NOT NULL,
	"delivered_via" text NOT NULL,
	"delivery_status" text NOT NULL,
	"delivery_error" text,
	"external_message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "callbacks_idempotency_uq" ON "callbacks" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "callbacks_due_idx" ON "callbacks" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "callbacks_session_idx" ON "callbacks" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "ticket_replies_ticket_idx" ON "ticket_replies" USING btree ("ticket_id","created_at");