// The round-robin pick of automatic assignment over `operators`, `escalations` and `auto_assign_picks`:
// one transaction under one advisory lock, so each pick sees the load the previous one left.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from './database.ts';
import { rowsOf } from './pg-effect.log.ts';

const pickedRow = z.object({ id: z.string() });
/** One lock for all picks (an arbitrary constant: "auto-assign"). */
const PICK_LOCK = 0x617574;

export interface PickRequest {
  sessionId: string;
  turnKey: string;
  at: Date;
  /** Picks made since then still count against an agent until their escalation shows the assignment. */
  countPicksSince: Date;
  defaultCapacity: number;
}

export function createAutoAssignRepository(db: Db) {
  return {
    /**
     * The agent already picked for this turn, or the next online, present agent with room (moved to the back
     * of the round and recorded as this turn's pick); null when nobody has room.
     */
    pick(request: PickRequest): Promise<string | null> {
      const at = request.at.toISOString();
      const recent = request.countPicksSince.toISOString();
      const { sessionId, turnKey } = request;
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${PICK_LOCK})`);
        const [already] = rowsOf(
          await tx.execute(sql`select agent_id as id from auto_assign_picks where turn_key = ${turnKey}`),
        );
        if (already) return pickedRow.parse(already).id;
        const [row] = rowsOf(
          await tx.execute(sql`
          select o.id from operators o
          where o.disabled_at is null
            and o.availability = 'online'
            and o.present_until > ${at}
            and (select count(*) from escalations e
                 where e.status = 'assigned' and e.assigned_to = o.id::text)
              + (select count(*) from auto_assign_picks p
                 where p.agent_id = o.id and p.picked_at > ${recent}
                   and not exists (select 1 from escalations e
                                   where e.idempotency_key like p.turn_key || ':%' and e.status <> 'queued'))
              < coalesce(o.capacity, ${request.defaultCapacity})
          order by o.last_auto_assigned_at asc nulls first, o.id
          limit 1`),
        );
        if (!row) return null;
        const { id } = pickedRow.parse(row);
        await tx.execute(sql`update operators set last_auto_assigned_at = ${at} where id = ${id}`);
        await tx.execute(sql`
        insert into auto_assign_picks (turn_key, conversation_id, agent_id, picked_at)
        values (${turnKey}, ${sessionId}, ${id}, ${at})`);
        return id;
      });
    },

    async forget(turnKey: string): Promise<void> {
      await db.execute(sql`delete from auto_assign_picks where turn_key = ${turnKey}`);
    },
  };
}

export type AutoAssignRepository = ReturnType<typeof createAutoAssignRepository>;
