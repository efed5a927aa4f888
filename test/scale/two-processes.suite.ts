// The two-processes scenario as a suite registered per Redis target (see two-processes.test.ts for the risks it covers).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../support/process.ts';
import { freshPostgresDatabase, redisPrefix } from '../support/servers.ts';
import { pool, runVisitor, SCRIPT, type VisitorRun, viewSession } from './load.ts';
import { createRecorderTables, query } from './recorder.ts';
import { dropTargetPrefix, type RedisTarget } from './redis.target.ts';

const SESSIONS = 200;
const RECORDING_SERVER = ['test/scale/recording.server.ts'];

/** Registers the suite for one Redis target (a single Redis here; the cluster suite reuses it). */
export function twoProcessesSuite(target: RedisTarget): void {
  const prefix = redisPrefix();
  let db: { url: string; drop: () => Promise<void> };
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    db = await freshPostgresDatabase();
    await createRecorderTables(db.url);
    const env = {
      DATABASE_URL: db.url,
      ...target.env,
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_PER_MINUTE: '100000',
      LOG_LEVEL: 'warn',
    };
    servers = await Promise.all([
      startServerProcess(env, 60_000, RECORDING_SERVER),
      startServerProcess(env, 60_000, RECORDING_SERVER),
    ]);
  }, 90_000);

  afterAll(async () => {
    for (const s of servers) await s.kill('SIGTERM');
    await dropTargetPrefix(target, prefix).catch(() => {});
    await db?.drop();
  }, 60_000);

  it('keeps every session exact: 10 messages in the visitor order, one commit per message, effects once', async () => {
    const targets = servers.map((s) => s.url);
    const started = performance.now();
    const runs: VisitorRun[] = await Promise.all(
      Array.from({ length: SESSIONS }, (_, i) => runVisitor(i, targets)),
    );
    const seconds = (performance.now() - started) / 1000;
    const requests = SESSIONS * (1 + SCRIPT.length * 2);
    console.info(
      `two processes (${target.name}): ${SESSIONS} sessions × ${SCRIPT.length} messages (+ a duplicate each) in ${seconds.toFixed(1)} s, ` +
        `${Math.round((SESSIONS * SCRIPT.length) / seconds)} turns/s, ${Math.round(requests / seconds)} requests/s`,
    );

    // Both processes answered each message, and identically (the second answer is the stored first one).
    for (const run of runs) {
      for (const a of run.answers) {
        expect(a.failed).toEqual([]);
        expect(a.ok).toHaveLength(2);
        expect(a.ok[0]?.body).toEqual(a.ok[1]?.body);
      }
    }

    // Each session: exactly the 10 visitor messages, in the order sent, with consecutive seqs.
    const views = await pool(runs, 32, (run) => viewSession(targets[0] ?? '', run));
    for (const [i, view] of views.entries()) {
      const visitor = view.messages.filter((m: { role: string }) => m.role === 'visitor');
      expect(visitor.map((m: { text: string }) => m.text)).toEqual(SCRIPT);
      expect(view.messages.map((m: { seq: number }) => m.seq)).toEqual(
        view.messages.map((_: unknown, k: number) => k + 1),
      );
      expect(view.state).toBe('escalated.queued');
      // The answer each visitor got is the turn that is in the session.
      for (const a of runs[i]?.answers ?? []) {
        const mine = a.ok[0]?.body.messages.find((m: { role: string }) => m.role === 'visitor');
        expect(view.messages[(mine?.seq ?? 0) - 1]).toEqual(mine);
      }
    }

    // Effects: every one executed exactly once (one delivery, one side effect), none missing.
    const sessionIds = runs.map((r) => r.sessionId);
    await waitFor(async () => {
      const [row] = await query<{ n: number }>(
        db.url,
        `select count(*)::int as n from effect_side_effects where type = 'forwardToOperator'`,
      );
      return row?.n === SESSIONS * 6;
    }, 30_000);
    const deliveries = await query<{ idempotency_key: string; n: number }>(
      db.url,
      'select idempotency_key, count(*)::int as n from effect_deliveries group by idempotency_key having count(*) > 1',
    );
    expect(deliveries).toEqual([]);
    const byType = await query<{ session_id: string; type: string; n: number }>(
      db.url,
      `select session_id, type, count(*)::int as n from effect_side_effects
       where type in ('createHandoff', 'notifyOperators', 'forwardToOperator') group by session_id, type`,
    );
    const counts = new Map(byType.map((r) => [`${r.session_id}/${r.type}`, r.n]));
    for (const id of sessionIds) {
      expect(counts.get(`${id}/createHandoff`)).toBe(1);
      expect(counts.get(`${id}/notifyOperators`)).toBe(1);
      expect(counts.get(`${id}/forwardToOperator`)).toBe(6);
    }

    // The Postgres records got every turn (11 per session: the start and 10 messages), once.
    await waitFor(async () => {
      const [row] = await query<{ n: number }>(db.url, 'select count(*)::int as n from traces');
      return row?.n === SESSIONS * 11;
    }, 30_000);
    const traces = await query<{ session_id: string; n: number; max: number }>(
      db.url,
      'select session_id, count(*)::int as n, max(seq)::int as max from traces group by session_id',
    );
    expect(traces).toHaveLength(SESSIONS);
    for (const t of traces) expect([t.n, t.max]).toEqual([11, 11]);
  }, 180_000);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
