// The TimerStore port: durable per-session timers (one per kind), claimed atomically when due so each
// fires once across processes, and surviving restarts. Adapters: Postgres `timers` table, Redis sorted set.
export const TIMER_KINDS = ['inactivity', 'sla_reminder'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

/** What a committed turn does to its session's timers; the session store writes it atomically with the turn. */
export type TimerChange = { op: 'arm'; kind: TimerKind; dueAt: Date } | { op: 'cancel'; kind: TimerKind };

export interface DueTimer {
  sessionId: string;
  kind: TimerKind;
  /** The session version whose commit armed it. */
  armedAtVersion: number;
  dueAt: Date;
}

export interface TimerStore {
  readonly kind: string;
  /** Arms or re-arms; an arm from an older session version never replaces one from a newer version. */
  arm(sessionId: string, kind: TimerKind, dueAt: Date, version: number): Promise<void>;
  /** Removes the timer unless a newer version armed it. */
  cancel(sessionId: string, kind: TimerKind, version: number): Promise<void>;
  /** Hands out due timers; each is invisible to other claimers until `leaseMs` has passed. */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<DueTimer[]>;
  /** Removes a fired timer, unless it was re-armed after it was claimed. */
  complete(timer: DueTimer): Promise<void>;
  /** The armed timer of a session, if any (operations and tests). */
  get(sessionId: string, kind: TimerKind): Promise<{ dueAt: Date; armedAtVersion: number } | null>;
}
