// Durable timers on the embedded default (Redis uses a sorted set): one row per (session, kind); a worker
// claims due rows with FOR UPDATE SKIP LOCKED, so each fires once across processes and survives restarts.
import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const timers = pgTable(
  'timers',
  {
    sessionId: text('session_id').notNull(),
    /** inactivity, sla_reminder */
    kind: text('kind').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    /** The session version that armed it: a later turn re-arms, and a stale timer is ignored. */
    armedAtVersion: integer('armed_at_version').notNull(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.kind] }), index('timers_due_idx').on(t.dueAt)],
);
