// What every analytics query shares: the period asked for, a row parser that accepts what both drivers
// return (pg gives bigint/numeric as strings and timestamps as Date; PGlite numbers), and the SQL for
// "conversations started in the period" that most questions start from.

import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ENDED_STATES as MACHINE_ENDED_STATES } from '../../machines/conversation.ended.ts';
import type { Db } from '../database.ts';
import { traces } from '../schema/index.ts';

export const BUCKETS = ['hour', 'day', 'week'] as const;
export type Bucket = (typeof BUCKETS)[number];

export interface Period {
  from: Date;
  /** Exclusive. */
  to: Date;
  bucket: Bucket;
}

/** A count or an average: a number, or null when there was nothing to average. */
export const num = z
  .union([z.number(), z.string(), z.bigint(), z.null()])
  .transform((v) => (v === null ? null : Number(v)));
export const int = z.union([z.number(), z.string(), z.bigint()]).transform((v) => Number(v));
export const instant = z
  .union([z.date(), z.string()])
  .transform((v) => (v instanceof Date ? v : new Date(v)).toISOString());

export async function queryRows<T extends z.ZodType>(
  db: Db,
  query: SQL,
  row: T,
): Promise<Array<z.output<T>>> {
  const result: unknown = await db.execute(query);
  return z.object({ rows: z.array(row) }).parse(result).rows;
}

export const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;
/** Bucket start in UTC (the bucket is one of BUCKETS, bound as a parameter, never spliced). */
export const bucketOf = (column: SQL | unknown, bucket: Bucket) =>
  sql`date_trunc(${bucket}::text, ${column}, 'UTC')`;

/** States in which a conversation has reached an end (until the visitor writes again). */
export const ENDED_STATES: readonly string[] = [...MACHINE_ENDED_STATES];

/**
 * CTE `started(session_id, started_at)`: conversations whose first turn (seq 1, the greeting) falls in the
 * period. Later questions (category, outcome, funnel) follow these sessions to their latest turn.
 */
export function startedCte(period: Period): SQL {
  return sql`started as (
    select ${traces.sessionId} as session_id, ${traces.createdAt} as started_at
    from ${traces}
    where ${traces.seq} = 1 and ${traces.createdAt} >= ${at(period.from)} and ${traces.createdAt} < ${at(period.to)}
  )`;
}

/** CTE `turns`: every trace entry of the started conversations, flattened to the fields analytics reads. */
export function turnsCte(): SQL {
  return sql`turns as (
    select ${traces.sessionId} as session_id, ${traces.seq} as seq, ${traces.createdAt} as created_at,
      ${traces.entry}->>'from' as from_state,
      ${traces.entry}->>'to' as to_state,
      ${traces.entry}->'inbound'->>'kind' as inbound,
      ${traces.entry}->'event'->>'type' as event,
      ${traces.entry}->'detection'->>'layer' as layer,
      ${traces.entry}->'detection'->>'intent' as intent,
      -- A category button's event names the category; typed text gets it from detection.
      coalesce(${traces.entry}->'event'->>'category', ${traces.entry}->'detection'->>'category') as category,
      ${traces.entry}->'detection'->'sentiment'->>'label' as sentiment,
      ${traces.entry}->'detection'->'triggers'->>0 as detection_trigger
    from ${traces} join started on started.session_id = ${traces.sessionId}
  )`;
}
