// Operators' availability as the rows keep it (`operators.availability`, `present_until`, `capacity`) and
// the team list with each operator's open live chats: the queries behind presence.
import { and, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from './database.ts';
import { type AVAILABILITIES, escalations, operators } from './schema/index.ts';

export type AvailabilityRecord = (typeof AVAILABILITIES)[number];

export interface TeamMemberRecord {
  id: string;
  email: string;
  displayName: string;
  role: 'agent' | 'admin';
  /** As chosen, whether or not they are present. */
  availability: AvailabilityRecord;
  /** Whether present_until is still ahead. */
  present: boolean;
  capacity: number | null;
  openChats: number;
}

export function createOperatorPresenceRepository(db: Db) {
  return {
    async extendPresence(ids: string[], until: Date): Promise<void> {
      await db.update(operators).set({ presentUntil: until }).where(inArray(operators.id, ids));
    },

    /** Offline for an operator whose presence ran out before `now` (or never started). */
    async offlineIfAbsent(operatorId: string, now: Date): Promise<void> {
      await db
        .update(operators)
        .set({ availability: 'offline' })
        .where(
          and(
            eq(operators.id, operatorId),
            or(isNull(operators.presentUntil), lt(operators.presentUntil, now)),
          ),
        );
    },

    async setAvailability(operatorId: string, availability: AvailabilityRecord, until: Date): Promise<void> {
      await db
        .update(operators)
        .set({ availability, presentUntil: until })
        .where(eq(operators.id, operatorId));
    },

    async setCapacity(operatorId: string, capacity: number | null): Promise<void> {
      await db.update(operators).set({ capacity }).where(eq(operators.id, operatorId));
    },

    /** The active operators by display name, with their live chats assigned now. */
    async team(now: Date): Promise<TeamMemberRecord[]> {
      const open = db
        .select({ agent: escalations.assignedTo, n: sql<number>`count(*)::int`.as('n') })
        .from(escalations)
        .where(eq(escalations.status, 'assigned'))
        .groupBy(escalations.assignedTo)
        .as('open');
      const rows = await db
        .select({
          id: operators.id,
          email: operators.email,
          displayName: operators.displayName,
          role: operators.role,
          availability: operators.availability,
          present: sql<boolean>`coalesce(${gt(operators.presentUntil, now)}, false)`,
          capacity: operators.capacity,
          openChats: sql<number>`coalesce(${open.n}, 0)`,
        })
        .from(operators)
        .leftJoin(open, eq(open.agent, sql`${operators.id}::text`))
        .where(isNull(operators.disabledAt))
        .orderBy(operators.displayName);
      return rows.map((r) => ({ ...r, openChats: Number(r.openChats) }));
    },
  };
}

export type OperatorPresenceRepository = ReturnType<typeof createOperatorPresenceRepository>;
