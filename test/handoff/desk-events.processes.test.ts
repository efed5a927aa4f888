// Two Switchboard processes sharing Redis and Postgres, as behind a load balancer: the desk's webhook lands
// on one, the visitor's live stream is held by the other. Risks covered: a desk event applied only where it
// arrived (the visitor on the other process never sees it); a vendor retry that lands on the second process
// applied a second time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesIqEntity } from '../fakes/salesiq.fake.ts';
import { openSse } from '../operator/operator.support.ts';
import { startVisitor, type TestRuntime } from '../support/runtime.ts';
import { databaseUrl, freshPostgresDatabase, redisPrefix, redisUrl } from '../support/servers.ts';
import { eventually, startVendors, startWorld, type Vendors } from './support/handoff-world.ts';

describe.runIf(Boolean(databaseUrl && redisUrl))('desk events across two processes', () => {
  let v: Vendors;
  let db: { url: string; drop: () => Promise<void> };
  const runtimes: TestRuntime[] = [];
  const streams: Array<{ close(): void }> = [];
  beforeAll(async () => {
    v = await startVendors();
    db = await freshPostgresDatabase();
    const env = { DATABASE_URL: db.url, REDIS_URL: redisUrl ?? '', REDIS_KEY_PREFIX: redisPrefix() };
    runtimes.push(await startWorld(v, { salesiq: true }, { env }));
    runtimes.push(await startWorld(v, { salesiq: true }, { env }));
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    for (const t of runtimes) await t.close();
    await db?.drop();
    await v?.close();
  });

  it('a SalesIQ reply posted to process 2 reaches the visitor streaming from process 1, once', async () => {
    const [one, two] = runtimes as [TestRuntime, TestRuntime];
    const visitor = await startVisitor(one.url);
    await visitor.send('I want to talk to a human');
    expect((await visitor.press('instant_chat')).body.state).toBe('escalated.queued');
    const chat = await eventually(
      () => v.salesiq.conversations.find((c) => c.visitor.user_id === visitor.sessionId),
      (c) => c !== undefined,
    );
    const stream = await openSse(`${one.url}/api/v1/sessions/${visitor.sessionId}/events`, {
      authorization: `Bearer ${visitor.token}`,
    });
    streams.push(stream);
    const conversationId = chat?.id ?? '';
    // Our own record of the delivery may lag SalesIQ's webhook: the inbox retries until it is there.
    const entity = salesIqEntity('conversation.operator.replied', conversationId, 'Hello from Maria');
    const first = await v.salesiq.webhook(
      `${two.url}/webhooks/salesiq`,
      'conversation.operator.replied',
      conversationId,
      entity,
    );
    const retry = await v.salesiq.webhook(
      `${one.url}/webhooks/salesiq`,
      'conversation.operator.replied',
      conversationId,
      entity,
      {
        attempt: 2,
      },
    );
    expect(first.body).toEqual({ accepted: 1, duplicates: 0 });
    expect(retry.body).toEqual({ accepted: 0, duplicates: 1 });
    const live = await stream.next(
      (e) =>
        e.event === 'turn' && e.data.messages.some((m: { text: string }) => m.text === 'Hello from Maria'),
      15_000,
    );
    expect(live.data.state).toBe('escalated.assigned');
    const view = await visitor.view();
    expect(view.body.messages.filter((m: { text: string }) => m.text === 'Hello from Maria')).toHaveLength(1);
  }, 90_000);
});
