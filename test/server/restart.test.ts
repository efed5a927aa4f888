// Risk covered: a server killed with SIGKILL mid-conversation loses the session, its state or its
// history (the embedded PGlite store must be durable, and nothing may live only in process memory).
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess } from '../support/process.ts';
import { startVisitor } from '../support/runtime.ts';
import { freshDataDir } from '../support/templates.ts';

let dataDir = '';
beforeAll(async () => {
  dataDir = await freshDataDir('switchboard-restart-');
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('restart', () => {
  it('continues in the same state with the same messages after kill -9', async () => {
    const first = await startServerProcess({ DATA_DIR: dataDir });
    // Embedded storage even when the runner has DATABASE_URL / REDIS_URL set (as CI does).
    expect(first.output()).toMatch(/"storage":"pglite"/);
    expect(first.output()).not.toMatch(/"sessions":"redis"/);
    const v = await startVisitor(first.url);
    await v.send('can you help me with password');
    await v.send("it still doesn't work");
    const failed = await v.send('that did not work either');
    expect(failed.body.state).toBe('troubleshooting');
    const before = await v.view();
    await first.kill('SIGKILL');

    const second = await startServerProcess({ DATA_DIR: dataDir });
    try {
      const bound = {
        ...v,
        view: () =>
          fetch(`${second.url}/api/v1/sessions/${v.sessionId}`, {
            headers: { authorization: `Bearer ${v.token}` },
          }).then(async (r) => ({ status: r.status, body: await r.json() })),
      };
      const after = await bound.view();
      expect(after.status).toBe(200);
      expect(after.body.state).toBe(before.body.state);
      expect(after.body.messages).toEqual(before.body.messages);

      const next = await fetch(`${second.url}/api/v1/sessions/${v.sessionId}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${v.token}` },
        body: JSON.stringify({ clientMessageId: 'after-restart', text: "nope, still doesn't work" }),
      });
      const body = await next.json();
      expect(next.status).toBe(200);
      // Third failed attempt: the counter survived the crash, so the visitor is now offered a human.
      expect(body.state).toBe('escalation_options');
      expect(body.messages[0].seq).toBe(before.body.messages.length + 1);
    } finally {
      await second.kill('SIGTERM');
    }
  }, 90_000);
});
