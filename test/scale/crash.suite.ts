// The crash scenario as a suite registered per Redis target (see crash.test.ts for the risks it covers).
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../support/process.ts';
import { freshPostgresDatabase, redisPrefix } from '../support/servers.ts';
import { pool, runVisitor, SCRIPT, type VisitorRun, viewSession } from './load.ts';
import { createRecorderTables, query } from './recorder.ts';
import { dropTargetPrefix, effectBacklog, type RedisTarget } from './redis.target.ts';

const SESSIONS = 60;
const LEASE_MS = 4000;
/** How long the doomed process's effect handlers take: wide enough that the kill lands inside one. */
const DOOMED_EFFECT_MS = 3000;

/** Registers the suite for one Redis target (a single Redis here; the cluster suite reuses it). */
export function crashSuite(target: RedisTarget): void {
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
      EFFECT_LEASE_MS: String(LEASE_MS),
      TEST_EFFECT_DELAY_MS: '300',
      LOG_LEVEL: 'warn',
    };
    const args = ['test/scale/recording.server.ts'];
    servers = await Promise.all([
      startServerProcess({ ...env, TEST_EFFECT_DELAY_MS: String(DOOMED_EFFECT_MS) }, 60_000, args),
      startServerProcess(env, 60_000, args),
    ]);
  }, 90_000);

  afterAll(async () => {
    for (const s of servers) await s.kill('SIGTERM');
    await dropTargetPrefix(target, prefix).catch(() => {});
    await db?.drop();
  }, 60_000);

  it('loses no answered message, stores none twice, and the survivor finishes the dead one’s effects once', async () => {
    const [doomed, survivor] = servers;
    if (!doomed || !survivor) throw new Error('two servers expected');
    const doomedPid = doomed.child.pid;
    const survivorPid = survivor.child.pid;
    const targets = servers.map((s) => s.url);
    let answered = 0;
    let killedAt = 0;
    let killed: Promise<void> | null = null;
    /**
     * Kills the doomed process while its effect worker is inside a handler (claimed, not done). Its handlers
     * take DOOMED_EFFECT_MS, and the kill waits for one that started less than half of that ago, so the
     * kill lands mid-handler even when this busy test process reacts a few hundred ms late.
     */
    const killMidEffect = async (): Promise<void> => {
      const probe = new pg.Client({ connectionString: db.url });
      await probe.connect();
      try {
        const deadline = Date.now() + 30_000;
        for (;;) {
          const { rows } = await probe.query<{ n: number }>(
            `select count(*)::int as n from effect_deliveries d where d.pid = $1
             and d.at > clock_timestamp() - make_interval(secs => $2::float8 / 1000)
             and not exists (select 1 from effect_side_effects e where e.idempotency_key = d.idempotency_key)`,
            [doomedPid, DOOMED_EFFECT_MS / 2],
          );
          if ((rows[0]?.n ?? 0) > 0) break;
          if (Date.now() > deadline)
            throw new Error('the doomed process never had an effect in flight within 30 s');
          await new Promise((r) => setTimeout(r, 10));
        }
        killedAt = answered;
        await doomed.kill('SIGKILL');
      } finally {
        await probe.end();
      }
    };
    const runs: VisitorRun[] = await Promise.all(
      Array.from({ length: SESSIONS }, (_, i) =>
        runVisitor(i, targets, {
          onAnswer: () => {
            answered++;
            if (!killed && answered >= (SESSIONS * SCRIPT.length) / 3) killed = killMidEffect();
          },
        }),
      ),
    );
    await killed;
    expect(doomed.child.signalCode).toBe('SIGKILL');

    // Every session holds exactly its 10 messages in order: the retries (same clientMessageId) of messages
    // the dead process had already committed were recognised, not stored again.
    const views = await pool(runs, 16, (run) => viewSession(survivor.url, run));
    for (const [i, view] of views.entries()) {
      expect(
        view.messages
          .filter((m: { role: string }) => m.role === 'visitor')
          .map((m: { text: string }) => m.text),
      ).toEqual(SCRIPT);
      // Every 2xx answer, from either process, is the turn stored in the session.
      for (const a of runs[i]?.answers ?? [])
        for (const ok of a.ok) {
          const mine = ok.body.messages.find((m: { role: string }) => m.role === 'visitor');
          expect(mine?.text).toBe(a.text);
          expect(view.messages[(mine?.seq ?? 0) - 1]).toEqual(mine);
        }
    }
    const answeredByDoomed = runs.flatMap((r) => r.answers).filter((a) => a.ok.some((o) => o.target === 0));
    expect(answeredByDoomed.length).toBeGreaterThan(0);

    // Effects: the stream drains (the survivor took over the dead consumer's entries after the lease) …
    await waitFor(async () => (await effectBacklog(target, prefix)) === 0, LEASE_MS * 10);
    // … every session's effects happened, each exactly once …
    const sideEffects = await query<{ session_id: string; type: string; n: number }>(
      db.url,
      `select session_id, type, count(*)::int as n from effect_side_effects
       where type in ('createHandoff', 'notifyOperators', 'forwardToOperator') group by session_id, type`,
    );
    const counts = new Map(sideEffects.map((r) => [`${r.session_id}/${r.type}`, r.n]));
    for (const run of runs) {
      expect(counts.get(`${run.sessionId}/createHandoff`)).toBe(1);
      expect(counts.get(`${run.sessionId}/notifyOperators`)).toBe(1);
      expect(counts.get(`${run.sessionId}/forwardToOperator`)).toBe(6);
    }
    // … and the ones the dead process had claimed but not finished were finished by the survivor, once.
    const orphaned = await query<{ idempotency_key: string; by_survivor: number; side_effect_pid: number }>(
      db.url,
      `select d.idempotency_key,
              (select count(*)::int from effect_deliveries s where s.idempotency_key = d.idempotency_key and s.pid = $2) as by_survivor,
              (select pid from effect_side_effects e where e.idempotency_key = d.idempotency_key) as side_effect_pid
       from effect_deliveries d where d.pid = $1
       and not exists (select 1 from effect_side_effects e where e.idempotency_key = d.idempotency_key and e.pid = $1)`,
      [doomedPid, survivorPid],
    );
    console.info(
      `crash (${target.name}): killed after ${killedAt} of ${answered} answers; ${answeredByDoomed.length} messages had been answered by the killed process; ` +
        `${orphaned.length} effects it had claimed were finished by the survivor`,
    );
    expect(orphaned.length).toBeGreaterThan(0);
    for (const o of orphaned) expect([o.by_survivor, o.side_effect_pid]).toEqual([1, survivorPid]);
    const [undelivered] = await query<{ n: number }>(
      db.url,
      `select count(*)::int as n from effect_deliveries d
       where not exists (select 1 from effect_side_effects e where e.idempotency_key = d.idempotency_key)`,
    );
    expect(undelivered?.n).toBe(0);

    // The trace entries the dead process's sink had claimed reached Postgres too: one row per turn.
    await waitFor(async () => {
      const rows = await query<{ n: number }>(
        db.url,
        'select count(*)::int as n from traces where session_id = any($1)',
        [runs.map((r) => r.sessionId)],
      );
      return rows[0]?.n === SESSIONS * (SCRIPT.length + 1);
    }, LEASE_MS * 10);
  }, 180_000);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
