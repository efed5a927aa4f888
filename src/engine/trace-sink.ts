// Moves committed trace entries from the log they were written to atomically with the turn (the Redis
// traces stream) into the Postgres records (traces, messages, a mirror row per session), in batches.
// At least once: a batch is acknowledged only after Postgres has it, the writes are idempotent, and a
// crashed sink's claimed entries are taken over by another process after the lease.
import type { Logger } from 'pino';
import { z } from 'zod';
import { createLeasedPoller } from './leased.poller.ts';
import { type ChatMessage, chatMessageSchema } from './turn.types.ts';

export interface TraceRecord {
  sessionId: string;
  seq: number;
  clientMessageId: string | null;
  /** The trace entry as the engine wrote it (JSON; replay parses it with its own schema). */
  entry: Record<string, unknown>;
  response: Record<string, unknown>;
  messages: ChatMessage[];
  at: string;
  /** The session record after this turn, mirrored into the `sessions` table for analytics and recovery. */
  session: {
    tokenHash: string;
    schemaVersion: number;
    version: number;
    state: string;
    owner: 'bot' | 'human';
    snapshot: unknown;
    messageCount: number;
    createdAt: string;
    updatedAt: string;
  };
}

export interface ClaimedTrace {
  /** Opaque handle for `ack`. */
  handle: string;
  deliveries: number;
  /** null when the entry could not be read (kept in the log for a human, see `problem`). */
  record: TraceRecord | null;
  problem?: string;
}

export interface TraceLog {
  readonly kind: string;
  claim(consumer: string, limit: number, leaseMs: number): Promise<ClaimedTrace[]>;
  ack(handles: string[]): Promise<void>;
  backlog(): Promise<number>;
}

export interface TraceWriter {
  write(records: TraceRecord[]): Promise<void>;
}

/** The JSON payload the Redis commit script puts into the traces stream (field `d`). */
export const tracePayloadSchema = z.object({
  c: z.string().nullable(),
  e: z.looseObject({ sessionId: z.string(), seq: z.number().int(), at: z.string() }),
  r: z.record(z.string(), z.unknown()),
  m: z.array(chatMessageSchema),
  sv: z.number().int(),
  st: z.string(),
  o: z.enum(['bot', 'human']),
  snap: z.unknown(),
  ua: z.string(),
});

export interface TraceSinkOptions {
  log: TraceLog;
  writer: TraceWriter;
  logger: Logger;
  consumer: string;
  batchSize?: number;
  leaseMs?: number;
  pollMs?: number;
  /** After this many deliveries an entry Postgres keeps refusing is logged in full and dropped. */
  maxDeliveries?: number;
}

export function createTraceSink(options: TraceSinkOptions) {
  const { log, writer, logger } = options;
  const maxDeliveries = options.maxDeliveries ?? 10;

  /** Writes one batch to Postgres and acknowledges what it took. */
  async function writeBatch(batch: ClaimedTrace[]): Promise<void> {
    const done: string[] = [];
    const good: ClaimedTrace[] = [];
    for (const item of batch) {
      if (item.record) good.push(item);
      else {
        logger.error({ handle: item.handle, problem: item.problem }, 'unreadable trace entry dropped');
        done.push(item.handle);
      }
    }
    try {
      await writer.write(good.flatMap((g) => (g.record ? [g.record] : [])));
      done.push(...good.map((g) => g.handle));
    } catch (error) {
      // One bad record must not hold back the batch: write them one by one, leave failures for later.
      logger.warn({ err: error, size: good.length }, 'trace batch write failed; writing one by one');
      for (const item of good) {
        if (!item.record) continue;
        try {
          await writer.write([item.record]);
          done.push(item.handle);
        } catch (e) {
          if (item.deliveries >= maxDeliveries) {
            logger.error({ err: e, record: item.record }, 'trace entry refused repeatedly; dropped');
            done.push(item.handle);
          } else {
            logger.warn({ err: e, handle: item.handle }, 'trace entry will be retried after the lease');
          }
        }
      }
    }
    if (done.length > 0) await log.ack(done);
  }

  const { kick, drainOnce, flush, start, stop } = createLeasedPoller({
    name: 'trace sink',
    claim: (limit, leaseMs) => log.claim(options.consumer, limit, leaseMs),
    handle: writeBatch,
    logger,
    batchSize: options.batchSize ?? 200,
    leaseMs: options.leaseMs ?? 30_000,
    pollMs: options.pollMs ?? 500,
  });
  return { kick, drainOnce, flush, start, stop };
}

export type TraceSink = ReturnType<typeof createTraceSink>;
