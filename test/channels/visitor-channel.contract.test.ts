// The visitor channel port's contract, run over the real engine and each storage backend: PGlite, Postgres
// (DATABASE_URL) and Redis + Postgres (REDIS_URL too; under CI=true a missing server fails the run, see
// test/support/servers.ts). Risks covered: a
// channel visitor whose replies never leave the outbox, a message delivered twice when its effect re-runs,
// two first messages of one person starting two sessions, a refused delivery nobody can see, and a web
// widget turn that suddenly produces deliveries. A new channel adds a factory to CHANNELS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ChannelAddress,
  ChannelDelivery,
  ChannelName,
  OutboundMessage,
  VisitorChannel,
} from '../../src/channels/channel.port.ts';
import { CHANNEL_NAMES } from '../../src/channels/channel.port.ts';
import { webChannel } from '../../src/channels/web/web.channel.ts';
import { createWhatsAppChannel } from '../../src/channels/whatsapp/whatsapp.channel.ts';
import { createWhatsAppClient } from '../../src/channels/whatsapp/whatsapp.client.ts';
import { createChannelMessages } from '../../src/storage/channel-messages.repository.ts';
import type { Database } from '../../src/storage/database.ts';
import { startWhatsAppGraphFake, type WhatsAppGraphFake } from '../fakes/whatsapp-graph.fake.ts';
import { startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';
import { databaseUrl, redisPrefix, redisUrl } from '../support/servers.ts';

/** A channel adapter under test plus how the test reads what reached the visitor. */
interface ChannelFactory {
  name: ChannelName;
  create(): { channel: VisitorChannel; delivered: () => OutboundMessage[] };
}

/** A stand-in for a channel that cannot answer inline (the shape WhatsApp and Evolution have). */
function recordingChannel(name: ChannelName, refuse?: (address: ChannelAddress) => ChannelDelivery | null) {
  const delivered: OutboundMessage[] = [];
  let calls = 0;
  const channel: VisitorChannel = {
    name,
    answersInline: false,
    async deliver(address, messages) {
      calls++;
      const refusal = refuse?.(address);
      if (refusal) return refusal;
      delivered.push(...messages);
      return { outcome: 'delivered', externalMessageIds: messages.map((m) => `${name}-${m.seq}`) };
    },
  };
  return { channel, delivered: () => delivered, calls: () => calls };
}

/**
 * The real WhatsApp Cloud API adapter against the Graph fake: what it delivered is what the fake accepted.
 * (Evolution's real adapter is exercised the same way in channels.http.test.ts; here its name is taken by
 * the refusing stand-in below.)
 */
function whatsAppOverGraphFake(graph: WhatsAppGraphFake, db: () => Database) {
  const delivered: OutboundMessage[] = [];
  const real = createWhatsAppChannel({
    client: createWhatsAppClient({
      apiUrl: graph.url,
      phoneNumberId: '106540352242922',
      accessToken: 'contract-token',
      timeoutMs: 2000,
    }),
    messages: {
      sentParts: (...a) => createChannelMessages(db().db).sentParts(...a),
      recordSent: (...a) => createChannelMessages(db().db).recordSent(...a),
      recordStatus: (...a) => createChannelMessages(db().db).recordStatus(...a),
      forSession: (...a) => createChannelMessages(db().db).forSession(...a),
    },
  });
  const channel: VisitorChannel = {
    name: real.name,
    answersInline: real.answersInline,
    async deliver(address, messages) {
      const result = await real.deliver(address, messages);
      if (result.outcome === 'delivered') delivered.push(...messages);
      return result;
    },
  };
  return { channel, delivered: () => delivered };
}

/** Where the sessions, effects and records live: the embedded default, a real Postgres, Redis + Postgres. */
const BACKENDS: Array<{ name: string; options: () => Parameters<typeof startTestRuntime>[0] }> = [
  { name: 'PGlite', options: () => ({}) },
  ...(databaseUrl ? [{ name: 'Postgres', options: () => ({ backend: 'postgres' as const }) }] : []),
  ...(databaseUrl && redisUrl
    ? [
        {
          name: 'Redis + Postgres',
          options: () => ({
            backend: 'postgres' as const,
            env: { REDIS_URL: redisUrl as string, REDIS_KEY_PREFIX: redisPrefix() },
          }),
        },
      ]
    : []),
];

async function until<T>(read: () => Promise<T> | T, ok: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(BACKENDS)('the visitor channel contract on $name', (backend) => {
  let graph: WhatsAppGraphFake;
  let rt: TestRuntime;
  const CHANNELS: ChannelFactory[] = [
    { name: 'whatsapp', create: () => whatsAppOverGraphFake(graph, () => rt.runtime.database) },
  ];
  const made = new Map<ChannelName, ReturnType<ChannelFactory['create']>>();
  const refusing = recordingChannel('evolution', () => ({
    outcome: 'failed',
    reason: 'outside the 24-hour window',
    code: '131047',
  }));

  beforeAll(async () => {
    graph = await startWhatsAppGraphFake({ phoneNumberId: '106540352242922', accessToken: 'contract-token' });
    for (const f of CHANNELS) made.set(f.name, f.create());
    rt = await startTestRuntime({
      ...backend.options(),
      overrides: {
        channels: [...[...made.values()].map((m) => m.channel), refusing.channel],
        effectWorker: { pollMs: 20, baseBackoffMs: 10, maxBackoffMs: 50 },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await rt?.close();
    await graph?.close();
  });

  describe('the web widget adapter', () => {
    it('names itself, answers inline and never needs a delivery', async () => {
      expect(CHANNEL_NAMES).toContain(webChannel.name);
      expect(webChannel.answersInline).toBe(true);
      const registry = rt.runtime.channels.registry;
      expect(registry.needsDelivery('web', true)).toBe(false);
      expect(registry.needsDelivery('web', false)).toBe(false);
      const visitor = await startVisitor(rt.url);
      const turn = await visitor.send('I forgot my password');
      expect(turn.status).toBe(200);
      expect(turn.body.replies.length).toBeGreaterThan(0);
      expect(await registry.channelOf(visitor.sessionId)).toBe('web');
    });

    it('still refuses a wrong token at its edge', async () => {
      const visitor = await startVisitor(rt.url);
      const res = await fetch(`${rt.url}/api/v1/sessions/${visitor.sessionId}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer not-the-token' },
        body: JSON.stringify({ clientMessageId: 'x1', text: 'hello' }),
      });
      expect(res.status).toBe(401);
    });
  });

  describe.each(CHANNELS.map((c) => c.name))('channel %s', (name) => {
    const factory = { name };
    it('keeps one conversation per person and delivers every bot message once, in order', async () => {
      const adapter = made.get(factory.name);
      if (!adapter) throw new Error('factory not built');
      const ingest = rt.runtime.channels.ingestChannelMessage;
      const person = `+4477009${Math.floor(Math.random() * 1e5)}`;
      // Two first messages at once: one session, both turns in it.
      const [a, b] = await Promise.all([
        ingest({
          channel: factory.name,
          externalId: person,
          clientMessageId: 'w1',
          content: { text: 'hello' },
        }),
        ingest({
          channel: factory.name,
          externalId: person,
          clientMessageId: 'w2',
          content: { text: 'I forgot my password' },
          profile: { name: 'Ann', phone: person },
        }),
      ]);
      if (!('sessionId' in a) || !('sessionId' in b))
        throw new Error(`no session: ${JSON.stringify([a, b])}`);
      expect(a.sessionId).toBe(b.sessionId);
      expect(a.outcome).toBe('ok');
      expect(b.outcome).toBe('ok');
      const again = await ingest({
        channel: factory.name,
        externalId: person,
        clientMessageId: 'w2',
        content: { text: 'I forgot my password' },
      });
      expect(again.outcome).toBe('duplicate');
      const sessionId = a.sessionId;
      expect(await rt.runtime.channels.registry.channelOf(sessionId)).toBe(factory.name);
      const transcript = await rt.runtime.store.messages(sessionId);
      const outbound = transcript.filter((m) => m.role !== 'visitor').map((m) => m.seq);
      const mine = () => adapter.delivered().filter((m) => outbound.includes(m.seq));
      await until(mine, (d) => d.length >= outbound.length, 'deliveries');
      // Re-running the worker does not send anything twice.
      await rt.runtime.worker.drainOnce();
      const seqs = mine().map((m) => m.seq);
      expect(seqs).toEqual(outbound);
      expect(new Set(seqs).size).toBe(seqs.length);
      // The greeting went out too, and the last bot reply carries the buttons of the state.
      expect(mine()[0]?.text).toMatch(/Switchboard assistant/);
    });

    it('starts a new bot segment after an operator resolves, in the same session', async () => {
      const adapter = made.get(factory.name);
      if (!adapter) throw new Error('factory not built');
      const ingest = rt.runtime.channels.ingestChannelMessage;
      const person = `+4477008${Math.floor(Math.random() * 1e5)}`;
      const first = await ingest({
        channel: factory.name,
        externalId: person,
        clientMessageId: 'r1',
        content: { text: 'connect me to an agent' },
      });
      if (!('sessionId' in first)) throw new Error('no session');
      await ingest({
        channel: factory.name,
        externalId: person,
        clientMessageId: 'r2',
        content: { button: 'instant_chat' },
      });
      const operatorReply = await rt.runtime.engine.handle(first.sessionId, {
        kind: 'operator',
        operatorId: 'admin-1',
        role: 'admin',
        command: { action: 'resolve', notes: 'done', resolutionCategory: 'solved' },
      });
      expect(operatorReply.outcome).toBe('ok');
      const next = await ingest({
        channel: factory.name,
        externalId: person,
        clientMessageId: 'r3',
        content: { text: 'hello again' },
      });
      if (!('sessionId' in next) || next.outcome !== 'ok') throw new Error(JSON.stringify(next));
      expect(next.sessionId).toBe(first.sessionId);
      expect(next.response.state).toBe('issue_gathering');
      // The operator's closing notice (outside any visitor turn) was delivered as well.
      await until(
        () => adapter.delivered(),
        (d) => d.some((m) => m.text.includes('closed this conversation')),
        'closing notice',
      );
    });
  });

  describe('a delivery the channel refuses for good', () => {
    it('is recorded with its code and told to the operators', async () => {
      const notices: unknown[] = [];
      const unsubscribe = await rt.runtime.realtime.subscribe('operators', (e) => {
        if (e.kind === 'queue') notices.push(e.payload);
      });
      const result = await rt.runtime.channels.ingestChannelMessage({
        channel: 'evolution',
        externalId: `jid-${Math.random()}`,
        clientMessageId: 'e1',
        content: { text: 'hello' },
      });
      if (!('sessionId' in result)) throw new Error('no session');
      await until(
        () => notices,
        (n) => n.some((p) => (p as { reason?: string }).reason === 'delivery_failed'),
        'delivery_failed notice',
      );
      await unsubscribe();
      expect(refusing.delivered()).toEqual([]);
      expect(notices).toContainEqual(expect.objectContaining({ reason: 'delivery_failed', code: '131047' }));
    });

    it('an unreadable message (image) is no turn', async () => {
      const result = await rt.runtime.channels.ingestChannelMessage({
        channel: 'whatsapp',
        externalId: '+447700900999',
        clientMessageId: 'img1',
        content: { unsupported: 'image' },
      });
      expect(result.outcome).toBe('unsupported');
    });
  });
});
