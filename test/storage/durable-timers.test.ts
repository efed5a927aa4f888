// Durable timers through the whole runtime (engine, stores, timer service) with a controllable clock,
// on the embedded default (Postgres `timers` table) and on Redis. Risks covered: an idle bot session never
// closed; an active one closed (a stale timer from before the visitor's last message firing); a queued
// visitor never reminded, or reminded every time they write; a timer lost across a restart; and a timer
// firing twice when two processes poll at once.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../src/storage/redis-client.ts';
import { startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';
import { databaseUrl, freshPostgresDatabase, redisPrefix, redisUrl } from '../support/servers.ts';
import { dropRedisPrefix, testClock } from './backends.ts';

const INACTIVITY_S = 600;
const SLA_S = 120;

const deployments = [
  { name: 'embedded (Postgres timers table)', enabled: Boolean(databaseUrl), redis: false },
  { name: 'Redis (sorted set)', enabled: Boolean(databaseUrl && redisUrl), redis: true },
];

for (const deployment of deployments) {
  describe.runIf(deployment.enabled)(`durable timers: ${deployment.name}`, () => {
    const clock = testClock();
    const prefix = redisPrefix();
    let dropDb: () => Promise<void> = async () => {};
    const runtimes: TestRuntime[] = [];
    let env: Record<string, string>;

    async function runtime(): Promise<TestRuntime> {
      const t = await startTestRuntime({ env, overrides: { now: clock.now, runWorker: false } });
      runtimes.push(t);
      return t;
    }

    beforeAll(async () => {
      const db = await freshPostgresDatabase();
      dropDb = db.drop;
      env = {
        DATABASE_URL: db.url,
        INACTIVITY_TIMEOUT_SECONDS: String(INACTIVITY_S),
        SLA_REMINDER_SECONDS: String(SLA_S),
        ...(deployment.redis ? { REDIS_URL: redisUrl ?? '', REDIS_KEY_PREFIX: prefix } : {}),
      };
    });
    afterAll(async () => {
      for (const t of runtimes) await t.close();
      if (deployment.redis && redisUrl) {
        const client = await createRedisClient(redisUrl);
        await dropRedisPrefix(client, prefix);
        await client.close();
      }
      await dropDb();
    });

    async function traceOf(t: TestRuntime, sessionId: string) {
      await t.runtime.traceSink?.flush();
      return t.runtime.store.trace(sessionId);
    }

    it('closes an idle bot session with a goodbye once the inactivity timeout has passed, once', async () => {
      const t = await runtime();
      const v = await startVisitor(t.url);
      await v.send('hello');
      clock.advance((INACTIVITY_S - 5) * 1000);
      await t.runtime.timers.tick();
      expect((await v.view()).body.state).toBe('issue_gathering');
      clock.advance(10_000);
      await t.runtime.timers.tick();
      const view = await v.view();
      expect(view.body.state).toBe('resolved');
      expect(view.body.messages.at(-1)).toMatchObject({
        role: 'bot',
        text: expect.stringMatching(/closing this chat/),
      });
      expect((await traceOf(t, v.sessionId)).at(-1)).toMatchObject({
        inbound: { kind: 'timer', timer: 'inactivity' },
        from: 'issue_gathering',
        to: 'resolved',
      });
      expect(await t.runtime.timers.store.get(v.sessionId, 'inactivity')).toBeNull();
      clock.advance(INACTIVITY_S * 2000);
      await t.runtime.timers.tick();
      expect((await v.view()).body.messages).toHaveLength(view.body.messages.length);
    });

    it('every visitor message pushes the deadline back', async () => {
      const t = runtimes[0] ?? (await runtime());
      const v = await startVisitor(t.url);
      await v.send('can you help me with password');
      clock.advance(INACTIVITY_S * 800);
      const { state } = (await v.send('ok I am trying that')).body;
      expect(state).not.toBe('resolved');
      clock.advance(INACTIVITY_S * 500);
      await t.runtime.timers.tick();
      expect((await v.view()).body.state).toBe(state);
      clock.advance(INACTIVITY_S * 600);
      await t.runtime.timers.tick();
      expect((await v.view()).body.state).toBe('resolved');
    });

    it('a stale timer (its re-arm was lost in a crash) does not close an active chat; it re-arms itself', async () => {
      const t = runtimes[0] ?? (await runtime());
      const timers = t.runtime.timers.store;
      const v = await startVisitor(t.url);
      await v.send('hello');
      const { state } = (await v.send('can you help me with password')).body;
      const session = await t.runtime.store.load(v.sessionId);
      if (!session) throw new Error('no session');
      // As if the process crashed right after committing version 3: the timer still says version 2.
      await timers.cancel(v.sessionId, 'inactivity', session.version);
      await timers.arm(
        v.sessionId,
        'inactivity',
        new Date(clock.now().getTime() - 1000),
        session.version - 1,
      );
      await t.runtime.timers.tick();
      expect((await v.view()).body.state).toBe(state);
      expect(await timers.get(v.sessionId, 'inactivity')).toEqual({
        armedAtVersion: session.version,
        dueAt: new Date(Date.parse(session.updatedAt) + INACTIVITY_S * 1000),
      });
      clock.advance(INACTIVITY_S * 1000 + 1000);
      await t.runtime.timers.tick();
      expect((await v.view()).body.state).toBe('resolved');
    });

    it('reminds a queued visitor every SLA period, not on every message, and stops once an agent takes it', async () => {
      const t = runtimes[0] ?? (await runtime());
      const v = await startVisitor(t.url);
      await v.send('can you help me with password');
      await v.send('can you connect me to agent');
      const queued = await v.send('📞 Instant Chat');
      expect(queued.body.state).toBe('escalated.queued');
      expect(await t.runtime.timers.store.get(v.sessionId, 'inactivity')).toBeNull();
      clock.advance((SLA_S - 30) * 1000);
      await v.send('hello? anyone?');
      clock.advance(40_000);
      await t.runtime.timers.tick();
      let messages = (await v.view()).body.messages;
      expect(messages.filter((m: { text: string }) => /still in the queue/.test(m.text))).toHaveLength(1);
      clock.advance(SLA_S * 1000 + 1000);
      await t.runtime.timers.tick();
      messages = (await v.view()).body.messages;
      expect(messages.filter((m: { text: string }) => /still in the queue/.test(m.text))).toHaveLength(2);
      const reminders = (await traceOf(t, v.sessionId)).filter((e) => e.inbound.kind === 'timer');
      expect(reminders.map((e) => e.actions.map((a) => a.type))).toEqual([
        ['remindOperators', 'say'],
        ['remindOperators', 'say'],
      ]);

      const assigned = await t.runtime.engine.handle(v.sessionId, {
        kind: 'operator',
        operatorId: 'agent-1',
        role: 'admin',
        command: { action: 'assign', agentId: 'agent-1' },
      });
      expect(assigned.outcome).toBe('ok');
      clock.advance(SLA_S * 3000);
      await t.runtime.timers.tick();
      const after = (await v.view()).body;
      expect(after.state).toBe('escalated.assigned');
      expect(after.messages.filter((m: { text: string }) => /still in the queue/.test(m.text))).toHaveLength(
        2,
      );
    });

    it('survives a restart and fires once when two processes poll at the same moment', async () => {
      const first = runtimes[0] ?? (await runtime());
      const sessions = [];
      for (let i = 0; i < 8; i++) {
        const v = await startVisitor(first.url);
        await v.send('hello', randomUUID());
        sessions.push(v);
      }
      for (const t of runtimes.splice(0)) await t.close();
      const [a, b] = [await runtime(), await runtime()];
      clock.advance(INACTIVITY_S * 1000 + 1000);
      const fired = await Promise.all([
        a.runtime.timers.tick(),
        b.runtime.timers.tick(),
        a.runtime.timers.tick(),
      ]);
      expect(fired.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(sessions.length);
      for (const v of sessions) {
        const res = await fetch(`${b.url}/api/v1/sessions/${v.sessionId}`, {
          headers: { authorization: `Bearer ${v.token}` },
        });
        const view = await res.json();
        expect(view.state).toBe('resolved');
        expect(view.messages.filter((m: { text: string }) => /closing this chat/.test(m.text))).toHaveLength(
          1,
        );
        const trace = await traceOf(a, v.sessionId);
        expect(trace.filter((e) => e.inbound.kind === 'timer')).toHaveLength(1);
      }
    });
  });
}
