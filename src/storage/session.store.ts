// The SessionStore port: snapshot + version (compare-and-set) + history + idempotency, and the outbox
// of effects and the timer changes written in the same atomic commit. Adapters: Postgres/PGlite (Drizzle) and Redis.
import type { ChatMessage, TraceEntry, TurnResponse } from '../engine/turn.types.ts';
import type { TimerChange } from './timer.store.ts';

export interface StoredSession {
  id: string;
  tokenHash: string;
  schemaVersion: number;
  version: number;
  state: string;
  owner: 'bot' | 'human';
  snapshot: unknown;
  messageCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface EffectRecord {
  /** `sessionId:seq:index`: the same effect is never executed twice under one key. */
  idempotencyKey: string;
  sessionId: string;
  seq: number;
  type: string;
  params: Record<string, unknown>;
}

export interface NewSession {
  id: string;
  tokenHash: string;
  schemaVersion: number;
  state: string;
  owner: 'bot' | 'human';
  snapshot: unknown;
  messages: ChatMessage[];
  trace: TraceEntry;
  response: TurnResponse;
  effects: EffectRecord[];
  /**
   * Durable timers this turn arms or cancels (at the committed version), written in the same atomic
   * commit: a crash can never leave a committed turn without its timer, and it costs no extra round trip.
   */
  timers?: TimerChange[];
  at: string;
}

export interface TurnCommit {
  sessionId: string;
  expectedVersion: number;
  schemaVersion: number;
  snapshot: unknown;
  state: string;
  owner: 'bot' | 'human';
  clientMessageId: string | null;
  messages: ChatMessage[];
  trace: TraceEntry;
  response: TurnResponse;
  effects: EffectRecord[];
  /**
   * Durable timers this turn arms or cancels (at the committed version), written in the same atomic
   * commit: a crash can never leave a committed turn without its timer, and it costs no extra round trip.
   */
  timers?: TimerChange[];
  at: string;
}

export type CommitOutcome =
  | { outcome: 'committed' }
  | { outcome: 'conflict' }
  | { outcome: 'duplicate'; response: TurnResponse };

export interface SessionStore {
  readonly kind: string;
  create(session: NewSession): Promise<void>;
  load(sessionId: string): Promise<StoredSession | null>;
  /** The stored response of an already-committed turn with this clientMessageId. */
  findTurn(sessionId: string, clientMessageId: string): Promise<TurnResponse | null>;
  commit(commit: TurnCommit): Promise<CommitOutcome>;
  /** Messages in order; `afterSeq` for resuming, `limit` for the recent tail. */
  messages(sessionId: string, options?: { afterSeq?: number; limit?: number }): Promise<ChatMessage[]>;
  trace(sessionId: string): Promise<TraceEntry[]>;
  close(): Promise<void>;
}
