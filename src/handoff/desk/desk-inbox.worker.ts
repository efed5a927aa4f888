// Applies the desk events the webhooks wrote to the inbox: finds the conversation the desk's id belongs
// to, drops our own posts echoed back, moves the records (delivery's desk status, our ticket), and hands the
// event to the engine, which orders it with the visitor's messages, dedupes it and traces it. Events of one
// desk conversation are applied one after another, in the order they were received.
import type { Logger } from 'pino';
import { createLeasedPoller } from '../../engine/leased.poller.ts';
import type { DeskEvent } from '../desk-event.port.ts';
import type { DeskRecords } from './desk.records.ts';
import type { DeskInbox, InboxItem } from './desk-inbox.store.ts';

/** What the engine made of a desk event. */
export type DeskApplyOutcome =
  | { outcome: 'applied' }
  | { outcome: 'duplicate' }
  /** The conversation is elsewhere now (resolved, handed back): records moved, the visitor is not told. */
  | { outcome: 'not_accepted'; message: string }
  | { outcome: 'not_found' }
  | { outcome: 'busy' };

export interface DeskInboxWorkerOptions {
  inbox: DeskInbox;
  records: DeskRecords;
  /** Into the conversation (handoff/desk.ingest.ts: engine.handle with a desk inbound). */
  apply: (event: DeskEvent) => Promise<DeskApplyOutcome>;
  /** Fills in what the webhook could not look up within its deadline (a Slack user's name). */
  enrich?: (event: DeskEvent) => Promise<DeskEvent>;
  logger: Logger;
  now: () => Date;
  pollMs?: number;
  leaseMs?: number;
  /**
   * A webhook can arrive before our own record of the delivery (SalesIQ says "joined" before its create
   * call has answered us): an unknown desk id is retried this many times before it is ignored.
   */
  unknownCaseAttempts?: number;
  retryMs?: number;
}

export function createDeskInboxWorker(options: DeskInboxWorkerOptions) {
  const { inbox, records, logger } = options;
  const unknownCaseAttempts = options.unknownCaseAttempts ?? 8;
  const retryMs = options.retryMs ?? 1_000;

  /** Retries are due later: look again then, without waiting for the poll. */
  function retryLater(id: number, delayMs: number, note: string): Promise<void> {
    poller.wakeIn(delayMs);
    return inbox.retry(id, delayMs, note);
  }

  async function applyOne(item: InboxItem): Promise<void> {
    const raw = item.event;
    const c = await records.caseOf(raw.desk, raw.externalId);
    if (!c) {
      if (item.attempts < unknownCaseAttempts)
        return retryLater(item.id, retryMs * item.attempts, 'no conversation has this desk id (yet)');
      return inbox.finish(item.id, 'ignored', `no conversation has ${raw.desk} id ${raw.externalId}`);
    }
    if (
      raw.kind === 'agent_replied' &&
      (await records.isEcho(raw.desk, raw.externalId, raw.text, raw.eventId))
    ) {
      return inbox.finish(item.id, 'ignored', 'our own post echoed back by the desk');
    }
    const event = options.enrich ? await options.enrich(raw) : raw;
    const at = options.now();
    await records.recordDeskStatus(event.desk, c, event, at);
    if (event.kind === 'ticket_status_changed' && (event.status === 'solved' || event.status === 'closed'))
      await records.resolveEscalation(c, event.status, event.agent?.name, at);
    const result = await options.apply(event);
    switch (result.outcome) {
      case 'applied':
      case 'duplicate':
        return inbox.finish(item.id, 'done');
      case 'not_accepted':
        return inbox.finish(
          item.id,
          'done',
          `records moved; the conversation did not take it: ${result.message}`,
        );
      case 'not_found':
        return inbox.finish(item.id, 'ignored', `conversation ${c.conversationId} no longer exists`);
      case 'busy':
        return retryLater(item.id, retryMs, 'the conversation was busy');
    }
  }

  /** One desk conversation's events in order; different conversations side by side. */
  async function applyBatch(batch: InboxItem[]): Promise<void> {
    const byCase = new Map<string, InboxItem[]>();
    for (const item of batch) {
      const key = `${item.event.desk}:${item.event.externalId}`;
      byCase.set(key, [...(byCase.get(key) ?? []), item]);
    }
    await Promise.all(
      [...byCase.values()].map(async (items) => {
        for (const item of items) {
          try {
            await applyOne(item);
          } catch (error) {
            logger.warn(
              { err: error, desk: item.event.desk, eventId: item.event.eventId },
              'desk event will be retried',
            );
            await retryLater(
              item.id,
              retryMs * item.attempts,
              error instanceof Error ? error.message : String(error),
            ).catch(() => {});
          }
        }
      }),
    );
  }

  const poller = createLeasedPoller({
    name: 'desk inbox',
    claim: (limit, leaseMs) => inbox.claim(limit, leaseMs),
    handle: applyBatch,
    logger,
    batchSize: 50,
    leaseMs: options.leaseMs ?? 30_000,
    // Webhooks kick the worker and a retry schedules its own wake-up: the poll only picks up rows written
    // by another process that died before applying them, so it can be slow (it costs the database a query).
    pollMs: options.pollMs ?? 5_000,
  });
  const { kick, drainOnce, start, stop } = poller;
  return { kick, drainOnce, start, stop };
}

export type DeskInboxWorker = ReturnType<typeof createDeskInboxWorker>;
