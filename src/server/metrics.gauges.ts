// Gauges read at scrape time: the sessions this process served lately, and the queue depths of the shared
// stores (effects pending, escalations queued, handoff deliveries).
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { EffectLog } from '../storage/effect.log.ts';
import type { HandoffCountsRepository } from '../storage/handoff-counts.repository.ts';

export type ActiveSessions = Map<string, { at: number; owner: 'bot' | 'human' }>;

/** The sessions the turn hook records; the gauge counts the ones seen within the window, by owner. */
export function registerActiveSessions(registry: Registry, now: () => number, activeWindowMs: number) {
  const active: ActiveSessions = new Map();
  new Gauge({
    name: 'switchboard_active_sessions',
    help: 'Sessions of this process with a turn in the last active window that have not ended, by owner (per process: sum over processes may count a session served by several)',
    labelNames: ['owner'] as const,
    registers: [registry],
    collect() {
      const cutoff = now() - activeWindowMs;
      let bot = 0;
      let human = 0;
      for (const [id, s] of active) {
        if (s.at < cutoff) active.delete(id);
        else if (s.owner === 'bot') bot++;
        else human++;
      }
      this.set({ owner: 'bot' }, bot);
      this.set({ owner: 'human' }, human);
    },
  });
  return active;
}

export function registerQueueGauges(
  registry: Registry,
  sources: { effectLog: EffectLog; handoffCounts: HandoffCountsRepository; logger: Logger },
) {
  const logScrapeError = (source: string) => (error: unknown) =>
    sources.logger.warn({ err: error, source }, 'metrics: could not read a queue depth');

  new Gauge({
    name: 'switchboard_effects_pending',
    help: 'Committed effects not yet done (outbox / stream backlog, shared by all processes)',
    registers: [registry],
    async collect() {
      await sources.effectLog
        .pendingCount()
        .then((n) => this.set(n))
        .catch(logScrapeError('effects'));
    },
  });
  new Gauge({
    name: 'switchboard_escalations_queued',
    help: 'Escalations waiting for an operator (status queued, shared by all processes)',
    registers: [registry],
    async collect() {
      await sources.handoffCounts
        .queuedEscalations()
        .then((n) => this.set(n))
        .catch(logScrapeError('escalations'));
    },
  });
  new Gauge({
    name: 'switchboard_handoff_deliveries',
    help: 'Handoff deliveries recorded in escalation_integrations by target (console, salesiq, zendesk …) and status (pending, delivered, failed)',
    labelNames: ['target', 'status'] as const,
    registers: [registry],
    async collect() {
      await sources.handoffCounts
        .deliveries()
        .then((rows) => {
          this.reset();
          for (const r of rows) this.set({ target: r.target, status: r.status }, r.n);
        })
        .catch(logScrapeError('handoffs'));
    },
  });
}
