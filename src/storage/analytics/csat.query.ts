// Customer satisfaction over a period: ratings (1–5) given after a human resolved a chat or a ticket,
// by agent, category, channel and time bucket. CSAT is the share of 4s and 5s, the industry's usual
// definition; the average is shown beside it.
import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.ts';
import { satisfactionRatings } from '../schema/index.ts';
import { at, bucketOf, int, num, type Period, queryRows } from './analytics.query.ts';

export interface CsatRow {
  key: string;
  ratings: number;
  average: number | null;
  /** Share of ratings that are 4 or 5. */
  csat: number | null;
}

const row = z.object({ key: z.string(), ratings: int, average: num, satisfied: int });

async function grouped(db: Db, period: Period, key: SQL): Promise<CsatRow[]> {
  const r = satisfactionRatings;
  const rows = await queryRows(
    db,
    sql`select ${key} as key, count(*) as ratings, avg(${r.rating})::float8 as average,
      count(*) filter (where ${r.rating} >= 4) as satisfied
    from ${r}
    where ${r.createdAt} >= ${at(period.from)} and ${r.createdAt} < ${at(period.to)}
    group by 1 order by 1`,
    row,
  );
  return rows.map((x) => ({
    key: x.key,
    ratings: x.ratings,
    average: x.average,
    csat: x.ratings ? x.satisfied / x.ratings : null,
  }));
}

export async function csat(db: Db, period: Period) {
  const r = satisfactionRatings;
  const [byAgent, byCategory, byChannel, byBucket] = await Promise.all([
    grouped(db, period, sql`coalesce(${r.agentId}, 'unknown')`),
    grouped(db, period, sql`coalesce(${r.category}, 'other')`),
    grouped(db, period, sql`${r.channel}`),
    grouped(
      db,
      period,
      sql`to_char(${bucketOf(r.createdAt, period.bucket)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`,
    ),
  ]);
  return { byAgent, byCategory, byChannel, byBucket };
}
