// Risk: a phone's messages handled out of order or twice (two processors, a redelivered webhook, a crash
// mid-turn), or one slow person holding up everyone else. Runs on PGlite and, when DATABASE_URL is set
// (always in CI), on a fresh database of the real Postgres with two processors on separate connections.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createChannelInbox,
  createInboxProcessor,
  type InboxItem,
} from '../../src/channels/channel.inbox.ts';
import type { ChannelInbound } from '../../src/channels/channel.port.ts';
import { createChannelInboxRepository } from '../../src/storage/channel-inbox.repository.ts';
import { type Database, openDatabase } from '../../src/storage/database.ts';
import { databaseUrl, freshPostgresDatabase, isCI } from '../support/servers.ts';

const logger = pino({ level: 'silent' });

interface Harness {
  first: Database;
  second: Database;
  close(): Promise<void>;
}

async function pglite(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-inbox-'));
  const db = await openDatabase({ dataDir: dir });
  return {
    first: db,
    second: db,
    async close() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgres(): Promise<Harness> {
  const fresh = await freshPostgresDatabase();
  const first = await openDatabase({ databaseUrl: fresh.url, dataDir: '' });
  const second = await openDatabase({ databaseUrl: fresh.url, dataDir: '' });
  return {
    first,
    second,
    async close() {
      await first.close();
      await second.close();
      await fresh.drop();
    },
  };
}

const backends: Array<[string, () => Promise<Harness>]> = [['pglite', pglite]];
if (databaseUrl || isCI) backends.push(['postgres', postgres]);

const message = (externalId: string, id: string, text = id): ChannelInbound => ({
  channel: 'whatsapp',
  externalId,
  clientMessageId: id,
  content: { text },
});

const until = async (check: () => boolean | Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.each(backends)('channel inbox on %s', (_name, open) => {
  // One database per backend (a PGlite boot is seconds); each test uses its own people.
  let h: Harness;
  beforeAll(async () => {
    h = await open();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('stores a redelivered message id once', async () => {
    {
      const inbox = createChannelInbox(createChannelInboxRepository(h.first.db));
      expect(await inbox.accept(message('+9', 'wamid.1'))).toBe('stored');
      expect(await inbox.accept(message('+9', 'wamid.1'))).toBe('duplicate');
      expect(await inbox.pendingCount()).toBeGreaterThanOrEqual(1);
    }
  });

  it("hands one person's messages over one at a time in arrival order, with two processors", async () => {
    {
      const log: string[] = [];
      const active = new Map<string, number>();
      let overlap = false;
      const handle = async (item: InboxItem) => {
        const who = item.inbound.externalId;
        active.set(who, (active.get(who) ?? 0) + 1);
        if ((active.get(who) ?? 0) > 1) overlap = true;
        // A slow turn: if ordering leaned on timing, the second processor would overtake here.
        await new Promise((r) => setTimeout(r, 15));
        log.push(`${who}:${item.inbound.clientMessageId}`);
        active.set(who, (active.get(who) ?? 1) - 1);
        return { outcome: 'done' as const };
      };
      const a = createInboxProcessor({
        inbox: createChannelInbox(createChannelInboxRepository(h.first.db)),
        handle,
        logger,
        pollMs: 10,
      });
      const b = createInboxProcessor({
        inbox: createChannelInbox(createChannelInboxRepository(h.second.db)),
        handle,
        logger,
        pollMs: 10,
      });
      const inbox = createChannelInbox(createChannelInboxRepository(h.first.db));
      for (let i = 1; i <= 6; i++) {
        await inbox.accept(message('+11', `a${i}`));
        await inbox.accept(message('+12', `b${i}`));
      }
      a.start();
      b.start();
      await until(async () => (await inbox.pendingCount()) === 0);
      await a.stop();
      await b.stop();
      expect(overlap).toBe(false);
      expect(log.filter((l) => l.startsWith('+11:'))).toEqual([1, 2, 3, 4, 5, 6].map((i) => `+11:a${i}`));
      expect(log.filter((l) => l.startsWith('+12:'))).toEqual([1, 2, 3, 4, 5, 6].map((i) => `+12:b${i}`));
    }
  });

  it('retries a failing message before the next one of that person, and lets others through meanwhile', async () => {
    {
      const inbox = createChannelInbox(createChannelInboxRepository(h.first.db));
      await inbox.accept(message('+21', 'x1'));
      await inbox.accept(message('+21', 'x2'));
      await inbox.accept(message('+22', 'y1'));
      const log: string[] = [];
      let failures = 2;
      const processor = createInboxProcessor({
        inbox,
        logger,
        pollMs: 10,
        baseBackoffMs: 20,
        maxBackoffMs: 40,
        handle: async (item) => {
          const id = item.inbound.clientMessageId;
          if (id === 'x1' && failures-- > 0) {
            log.push(`${id}!`);
            return { outcome: 'retry', error: 'engine busy' };
          }
          log.push(id);
          return { outcome: 'done' };
        },
      });
      processor.start();
      await until(async () => (await inbox.pendingCount()) === 0);
      await processor.stop();
      expect(log.filter((l) => l.startsWith('x'))).toEqual(['x1!', 'x1!', 'x1', 'x2']);
      expect(log.indexOf('y1')).toBeLessThan(log.indexOf('x1'));
    }
  });
});
