// Two Switchboard runtimes sharing one Redis and one Postgres, as two processes behind a load balancer.
// Risks covered: each process refreshing the Zoho token on its own (the cross-process single flight lives in
// Redis), and a handoff delivered twice or lost when effects are spread over several workers.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalationIntegrations } from '../../src/storage/schema/index.ts';
import { startVisitor, type TestRuntime } from '../support/runtime.ts';
import { databaseUrl, freshPostgresDatabase, redisPrefix, redisUrl } from '../support/servers.ts';
import { eventually, startVendors, startWorld, type Vendors } from './support/handoff-world.ts';

describe.runIf(Boolean(databaseUrl && redisUrl))(
  'handoffs from two processes sharing Redis and Postgres',
  () => {
    let v: Vendors;
    let db: { url: string; drop: () => Promise<void> };
    const runtimes: TestRuntime[] = [];
    beforeAll(async () => {
      v = await startVendors();
      db = await freshPostgresDatabase();
      const env = { DATABASE_URL: db.url, REDIS_URL: redisUrl ?? '', REDIS_KEY_PREFIX: redisPrefix() };
      runtimes.push(await startWorld(v, { salesiq: true }, { env }));
      runtimes.push(await startWorld(v, { salesiq: true }, { env }));
    });
    afterAll(async () => {
      for (const t of runtimes) await t.close();
      await db?.drop();
      await v?.close();
    });

    it('50 concurrent handoffs, half on each process: one token refresh, each conversation created once', async () => {
      v.zoho.refreshDelayMs = 100;
      v.salesiq.faults.push(
        { kind: 'status', status: 502, body: 'Bad Gateway' },
        { kind: 'slow', ms: 2500 },
        { kind: 'status', status: 429, headers: { 'retry-after': '1' } },
      );
      const visitors = await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const t = runtimes[i % 2] as TestRuntime;
          const visitor = await startVisitor(t.url);
          await visitor.send('I want to talk to a human');
          const chosen = await visitor.press('instant_chat');
          expect(chosen.body.state).toBe('escalated.queued');
          return visitor;
        }),
      );
      const ids = new Set(visitors.map((x) => x.sessionId));
      const first = runtimes[0] as TestRuntime;
      const delivered = await eventually(
        async () =>
          (
            await first.runtime.database.db
              .select()
              .from(escalationIntegrations)
              .where(eq(escalationIntegrations.target, 'salesiq'))
          ).filter((r) => ids.has(r.conversationId) && r.status === 'delivered').length,
        (n) => n === 50,
        90_000,
      );
      expect(delivered).toBe(50);
      expect(v.zoho.refreshes).toBe(1);
      const mine = v.salesiq.conversations.filter((c) => ids.has(c.visitor.user_id));
      expect(mine).toHaveLength(50);
      expect(new Set(mine.map((c) => c.visitor.user_id)).size).toBe(50);
    }, 120_000);
  },
);
