// The EffectLog port: effects committed with their turn, claimed by workers with a lease, completed or
// retried. At least once: a crashed worker's lease runs out and another claims the effect.
export interface ClaimedEffect {
  /** Opaque handle for complete/retry (outbox row id, stream entry id). */
  id: string;
  idempotencyKey: string;
  sessionId: string;
  seq: number;
  type: string;
  params: Record<string, unknown>;
  attempts: number;
}

export interface EffectLog {
  readonly kind: string;
  claim(consumer: string, limit: number, leaseMs: number): Promise<ClaimedEffect[]>;
  complete(effect: ClaimedEffect): Promise<void>;
  retry(effect: ClaimedEffect, error: string, delayMs: number): Promise<void>;
  /** Gives up on the effect for good (recorded as failed, never retried). */
  fail(effect: ClaimedEffect, error: string): Promise<void>;
  pendingCount(): Promise<number>;
}
