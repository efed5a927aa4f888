CREATE TABLE "satisfaction_ratings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" text NOT NULL,
	"segment" integer NOT NULL,
	"rating" integer NOT NULL,
	"comment" text,
	"agent_id" text,
	"category" text,
	"channel" text NOT NULL,
	"ticket_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "satisfaction_session_segment_uq" ON "satisfaction_ratings" USING btree ("session_id","segment");--> statement-breakpoint
CREATE INDEX "satisfaction_created_idx" ON "satisfaction_ratings" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "satisfaction_agent_idx" ON "satisfaction_ratings" USING btree ("agent_id","created_at");