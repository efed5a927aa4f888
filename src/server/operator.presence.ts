// Agent availability: what each operator chose (online / away / offline, kept on their row) and whether a
// console of theirs is open anywhere. Each process pushes `present_until` forward for the operators whose
// console stream it holds; an operator whose last stream closed counts as offline once that time passes,
// and comes back offline (a console opened tomorrow does not start receiving chats by itself). The rows are
// in Postgres, which every process shares (with or without Redis), so every process sees the same team.
import type {
  AvailabilityRecord,
  OperatorPresenceRepository,
} from '../storage/operator-presence.repository.ts';

export type Availability = AvailabilityRecord;

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

export function createPresence(repository: OperatorPresenceRepository, options: PresenceOptions) {
  const streams = new Map<string, number>();
  const until = () => new Date(options.now().getTime() + options.graceMs);

  async function touch(ids: string[]) {
    if (ids.length === 0) return;
    await repository.extendPresence(ids, until());
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
      await repository.offlineIfAbsent(operatorId, options.now());
      await touch([operatorId]);
    },
    /** One of its streams closed; the row keeps its time, so a reload within the grace changes nothing. */
    closed(operatorId: string): void {
      const n = (streams.get(operatorId) ?? 1) - 1;
      if (n <= 0) streams.delete(operatorId);
      else streams.set(operatorId, n);
    },
    async set(operatorId: string, availability: Availability): Promise<void> {
      await repository.setAvailability(operatorId, availability, until());
    },
    async setCapacity(operatorId: string, capacity: number | null): Promise<void> {
      await repository.setCapacity(operatorId, capacity);
    },
    /** The active operators with their availability as it counts now and their open live chats. */
    async team(): Promise<TeamMember[]> {
      const rows = await repository.team(options.now());
      return rows.map(({ present, ...r }) => ({
        ...r,
        availability: present ? r.availability : 'offline',
      }));
    },
    async close(): Promise<void> {
      clearInterval(timer);
      // Leave the rows as they are: another process, or this one restarted, picks up within the grace.
    },
  };
}
