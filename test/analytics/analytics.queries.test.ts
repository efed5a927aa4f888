// Analytics over a known set of conversations run through the real engine (PGlite, and real Postgres when
// DATABASE_URL is set). Risks covered: a chart that silently shows wrong numbers — a conversation counted
// in the wrong day or category, a handoff failure counted as a new escalation, an inactivity close counted
// as a resolution, the LLM rate dated by when its log row was written rather than by the turn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Period } from '../../src/storage/analytics/analytics.query.ts';
import { detectionLayers } from '../../src/storage/analytics/detection-layers.query.ts';
import { escalationRate } from '../../src/storage/analytics/escalation-rate.query.ts';
import { funnel } from '../../src/storage/analytics/funnel.query.ts';
import { handoffOutcomes } from '../../src/storage/analytics/handoff-outcomes.query.ts';
import { llmUsage } from '../../src/storage/analytics/llm-usage.query.ts';
import { responseTimes } from '../../src/storage/analytics/response-times.query.ts';
import { sentimentOutcomes } from '../../src/storage/analytics/sentiment.query.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';
import { databaseUrl } from '../support/servers.ts';
import {
  controlledClock,
  DAY1,
  DAY2,
  runKnownConversations,
  scriptedClassifier,
} from './known.conversations.ts';

const bothDays: Period = {
  from: new Date(`${DAY1}T00:00:00Z`),
  to: new Date('2026-03-04T00:00:00Z'),
  bucket: 'day',
};

const backends = [
  { name: 'PGlite', backend: 'pglite' as const, run: true },
  { name: 'Postgres', backend: 'postgres' as const, run: Boolean(databaseUrl) },
];

for (const b of backends) {
  describe.runIf(b.run)(`analytics queries on ${b.name}`, () => {
    let t: TestRuntime;
    beforeAll(async () => {
      const clock = controlledClock(`${DAY1}T09:00:00Z`);
      t = await startTestRuntime({
        backend: b.backend,
        overrides: {
          now: clock.now,
          runWorker: false,
          classifier: scriptedClassifier,
          defaultMetrics: false,
        },
      });
      await runKnownConversations(t.runtime, clock);
    });
    afterAll(async () => {
      await t?.close();
    });
    const db = () => t.runtime.database.db;

    it('escalation rate by category and day', async () => {
      const rows = await escalationRate(db(), bothDays);
      const pick = (r: (typeof rows)[number]) => [
        r.bucket.slice(0, 10),
        r.category,
        r.conversations,
        r.offered,
        r.escalated,
      ];
      expect(rows.map(pick)).toEqual([
        [DAY1, 'login', 1, 1, 1],
        [DAY1, 'none', 1, 0, 0],
        [DAY1, 'payment', 1, 0, 0],
        [DAY1, 'technical', 1, 0, 0],
        [DAY2, 'delivery', 1, 0, 1],
        [DAY2, 'none', 1, 0, 0],
        [DAY2, 'refund', 1, 1, 1],
      ]);
      expect(rows.find((r) => r.category === 'login')?.rate).toBe(1);
      // The period is half-open and by start: day 2 alone holds E, F and G.
      const day2 = await escalationRate(db(), { ...bothDays, from: new Date(`${DAY2}T00:00:00Z`) });
      expect(day2.reduce((a, r) => a + r.conversations, 0)).toBe(3);
      const hourly = await escalationRate(db(), { ...bothDays, bucket: 'hour' });
      expect(hourly.find((r) => r.category === 'login')?.bucket).toBe(`${DAY1}T10:00:00.000Z`);
    });

    it('which layer triggered each escalation', async () => {
      const rows = await detectionLayers(db(), bothDays);
      expect(rows.map((r) => [r.layer, r.trigger, r.escalations])).toEqual([
        ['button', 'explicit_request', 1],
        ['keyword', 'explicit_request', 1],
        ['operator', 'operator_escalation', 1],
      ]);
      expect(rows.reduce((a, r) => a + r.share, 0)).toBeCloseTo(1);
    });

    it('the funnel: reached, still there, dropped off', async () => {
      const f = await funnel(db(), bothDays);
      expect(f.conversations).toBe(7);
      const by = Object.fromEntries(f.states.map((s) => [s.state, [s.reached, s.current, s.droppedOff]]));
      expect(by).toMatchObject({
        greeting: [7, 1, 1], // D never wrote
        issue_gathering: [1, 1, 1], // G
        troubleshooting: [5, 1, 1], // C left here
        awaiting_confirmation: [1, 0, 0],
        resolved: [1, 1, 0], // an end, not a drop-off
        escalation_options: [2, 0, 0],
        'escalated.queued': [2, 1, 1], // F waits
        'escalated.assigned': [1, 0, 0],
        'escalated.closed': [1, 1, 0],
        callback_collection: [0, 0, 0],
        ticket_collection: [1, 0, 0],
        ticket_created: [1, 1, 0],
      });
      expect(f.states[0]?.reachedShare).toBe(1);
    });

    it('sentiment with resolution rate', async () => {
      const rows = await sentimentOutcomes(db(), bothDays);
      expect(rows.reduce((a, r) => a + r.conversations, 0)).toBe(7);
      expect(rows.reduce((a, r) => a + r.resolvedByBot, 0)).toBe(1);
      expect(rows.reduce((a, r) => a + r.resolvedByOperator, 0)).toBe(1);
      expect(rows.reduce((a, r) => a + r.escalated, 0)).toBe(3);
      expect(rows.find((r) => r.sentiment === 'none')).toMatchObject({ conversations: 1, resolutionRate: 0 });
      const bot = rows.find((r) => r.resolvedByBot === 1);
      expect(bot?.sentiment).toBe('neutral'); // B only pressed buttons
    });

    it('first-response and resolution times from the escalation and ticket records', async () => {
      const rows = await responseTimes(db(), bothDays);
      const escalations = rows.filter((r) => r.source === 'escalation');
      // A (live chat), E (ticket) and F (manual) were escalated; priorities come from the rules engine.
      expect(escalations.reduce((a, r) => a + r.total, 0)).toBe(3);
      expect(escalations.reduce((a, r) => a + r.open, 0)).toBe(2);
      const answered = escalations.find((r) => r.firstResponse.count === 1);
      // A: queued at 10:00:30, first operator message 10:05:30, resolved 10:30:30.
      expect(answered?.firstResponse).toMatchObject({ avgSeconds: 300, p50Seconds: 300, p90Seconds: 300 });
      expect(answered?.resolution).toMatchObject({ count: 1, p50Seconds: 1800 });
      const tickets = rows.filter((r) => r.source === 'ticket');
      expect(tickets.map((r) => [r.total, r.open])).toEqual([[1, 1]]);
      const day1 = await responseTimes(db(), { ...bothDays, to: new Date(`${DAY2}T00:00:00Z`) });
      expect(day1.map((r) => [r.source, r.total])).toEqual([['escalation', 1]]);
    });

    it('handoff outcomes per target', async () => {
      const rows = await handoffOutcomes(db(), bothDays);
      expect(rows.map((r) => [r.target, r.total, r.delivered, r.failed, r.pending])).toEqual([
        ['console', 2, 2, 0, 0], // A and F went to the built-in console queue
        ['ticket', 1, 1, 0, 0], // E
      ]);
      expect(rows[0]?.deliveryRate).toBe(1);
    });

    it('LLM call rate and latency by the turn that made the call', async () => {
      const rows = await llmUsage(db(), bothDays);
      expect(rows.map((r) => [r.bucket.slice(0, 10), r.visitorMessages, r.llmCalls, r.failures])).toEqual([
        [DAY1, 3, 0, 0],
        [DAY2, 4, 2, 1],
      ]);
      const day2 = rows[1];
      expect(day2?.callRate).toBe(0.5);
      expect(day2?.avgLatencyMs).toBe(1300);
      expect(day2?.p50LatencyMs).toBe(1300);
    });
  });
}
