// Agent availability: what each operator chose (online / away / offline, kept on their row) and whether a
// console of theirs is open anywhere. Each process pushes `present_until` forward for the operators whose
// console stream it holds; an operator whose last stream closed counts as offline once that time passes,
// and comes back offline (a console opened tomorrow does not start receiving chats by itself). The rows are
// in Postgres, which every process shares (with or without Redis), so every process sees the same team.
import { and, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';
import { type AVAILABILITIES, escalations, operators } from '../storage/schema/index.ts';

export type Availability = (typeof AVAILABILITIES)[number];

export interface PresenceOptions {
  now: () => Date;
  /** How long an operator counts as present after their last console stream closed. */
  graceMs: number;
  /** Called on every refresh (a third of the grace): automatic assignment looks at the queue again. */
  onTick?: () => Promise<void>;
}

export interface TeamMember {
  id: string;
  email: string;
  displayName: string;
  role: 'agent' | 'admin';
  /** What they chose, or offline while no console of theirs is open. */
  availability: Availability;
  capacity: number | null;
  /** Live chats assigned to them now. */
  openChats: number;
}

export type Presence = ReturnType<typeof createPresence>;

export function createPresence(db: Db, options: PresenceOptions) {
  const streams = new Map<string, number>();
  const until = () => new Date(options.now().getTime() + options.graceMs);

  async function touch(ids: string[]) {
    if (ids.length === 0) return;
    await db.update(operators).set({ presentUntil: until() }).where(inArray(operators.id, ids));
  }

  const timer = setInterval(
    () => {
      void touch([...streams.keys()])
        .then(() => options.onTick?.())
        .catch(() => {});
    },
    Math.max(50, Math.floor(options.graceMs / 3)),
  );
  timer.unref();

  return {
    /** A console stream of this operator opened in this process. */
    async opened(operatorId: string): Promise<void> {
      streams.set(operatorId, (streams.get(operatorId) ?? 0) + 1);
      // Gone longer than the grace: whatever was chosen then, they come back offline.
      await db
        .update(operators)
        .set({ availability: 'offline' })
        .where(
          and(
            eq(operators.id, operatorId),
            or(isNull(operators.presentUntil), lt(operators.presentUntil, options.now())),
          ),
        );
      await touch([operatorId]);
    },
    /** One of its streams closed; the row keeps its time, so a reload within the grace changes nothing. */
    closed(operatorId: string): void {
      const n = (streams.get(operatorId) ?? 1) - 1;
      if (n <= 0) streams.delete(operatorId);
      else streams.set(operatorId, n);
    },
    async set(operatorId: string, availability: Availability): Promise<void> {
      await db
        .update(operators)
        .set({ availability, presentUntil: until() })
        .where(eq(operators.id, operatorId));
    },
    async setCapacity(operatorId: string, capacity: number | null): Promise<void> {
      await db.update(operators).set({ capacity }).where(eq(operators.id, operatorId));
    },
    /** The active operators with their availability as it counts now and their open live chats. */
    async team(): Promise<TeamMember[]> {
      const now = options.now();
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
      return rows.map(({ present, ...r }) => ({
        ...r,
        availability: present ? r.availability : 'offline',
        openChats: Number(r.openChats),
      }));
    },
    async close(): Promise<void> {
      clearInterval(timer);
      // Leave the rows as they are: another process, or this one restarted, picks up within the grace.
    },
  };
}
