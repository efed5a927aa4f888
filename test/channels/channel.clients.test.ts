// Risk: a Graph or Evolution answer misread — a 429 or 5xx given up on (a lost reply), a 131047 retried
// for ever instead of shown to the operator, a redelivered effect sending a part twice. The clients run
// against local fakes that speak the vendors' wire formats; the part log is a real PGlite database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvolutionChannel } from '../../src/channels/evolution/evolution.channel.ts';
import { createEvolutionClient } from '../../src/channels/evolution/evolution.client.ts';
import { createWhatsAppChannel } from '../../src/channels/whatsapp/whatsapp.channel.ts';
import { createWhatsAppClient, WINDOW_CLOSED_CODE } from '../../src/channels/whatsapp/whatsapp.client.ts';
import { createChannelMessages } from '../../src/storage/channel-messages.repository.ts';
import { type Database, openDatabase } from '../../src/storage/database.ts';
import { type EvolutionFake, startEvolutionFake } from '../fakes/evolution.fake.ts';
import { startWhatsAppGraphFake, type WhatsAppGraphFake } from '../fakes/whatsapp-graph.fake.ts';

let graph: WhatsAppGraphFake;
let evolution: EvolutionFake;
let database: Database;
let dir: string;

beforeAll(async () => {
  graph = await startWhatsAppGraphFake({ phoneNumberId: '106540352242922', accessToken: 'EAAG-test-token' });
  evolution = await startEvolutionFake({ apiKey: 'evo-key', instance: 'shop' });
  dir = mkdtempSync(join(tmpdir(), 'switchboard-channels-'));
  database = await openDatabase({ dataDir: dir });
});
afterAll(async () => {
  await graph.close();
  await evolution.close();
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

const address = (sessionId: string, externalId: string, channel: 'whatsapp' | 'evolution' = 'whatsapp') => ({
  channel,
  externalId,
  sessionId,
});

describe('WhatsApp client and channel', () => {
  const client = () =>
    createWhatsAppClient({
      apiUrl: graph.url,
      phoneNumberId: '106540352242922',
      accessToken: 'EAAG-test-token',
      timeoutMs: 2000,
    });

  it('sends to the phone with the bearer token and records the wamid', async () => {
    const messages = createChannelMessages(database.db);
    const channel = createWhatsAppChannel({ client: client(), messages });
    const before = graph.sends.length;
    const result = await channel.deliver(address('s-1', '+447700900123'), [
      { seq: 2, role: 'bot', text: 'Hello' },
    ]);
    expect(result.outcome).toBe('delivered');
    const sent = graph.sends.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toBe('447700900123');
    expect(sent[0]?.request.headers.authorization).toBe('Bearer EAAG-test-token');
    expect(result.outcome === 'delivered' && result.externalMessageIds).toEqual([sent[0]?.id]);
    expect((await messages.forSession('s-1')).map((m) => m.externalMessageId)).toEqual([sent[0]?.id]);
  });

  it('asks for a retry on 429 and 5xx, with Retry-After when Graph gives one', async () => {
    for (const fault of ['429', '500', '503'] as const) {
      graph.faults.push(fault);
      const result = await client().send({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '1',
        type: 'text',
        text: { body: 'x', preview_url: false },
      });
      expect(result.outcome, fault).toBe('retry');
      if (fault === '429') expect(result.outcome === 'retry' && result.afterMs).toBe(0);
    }
  });

  it('fails 131047 with the code the console shows, and does not retry it', async () => {
    graph.faults.push('131047');
    const channel = createWhatsAppChannel({ client: client(), messages: createChannelMessages(database.db) });
    const result = await channel.deliver(address('s-2', '+15550001111'), [
      { seq: 5, role: 'operator', text: 'Still there?', author: 'Alice' },
    ]);
    expect(result).toMatchObject({ outcome: 'failed', code: WINDOW_CLOSED_CODE });
  });

  it('sends each part once when a delivery is retried after a part went out', async () => {
    const messages = createChannelMessages(database.db);
    const channel = createWhatsAppChannel({ client: client(), messages });
    const text = `${'a'.repeat(4000)}\n\n${'b'.repeat(3000)}`;
    const before = graph.sends.length;
    // The first part goes out, then Graph throttles: the outbox will deliver the message again.
    const first = await (async () => {
      const c = client();
      const original = c.send;
      let calls = 0;
      return createWhatsAppChannel({
        client: {
          send: async (m) => {
            calls++;
            if (calls === 2) graph.faults.push('429');
            return original(m);
          },
        },
        messages,
      }).deliver(address('s-3', '+15550002222'), [{ seq: 3, role: 'bot', text }]);
    })();
    expect(first.outcome).toBe('retry');
    expect(graph.sends.length - before).toBe(1);
    const second = await channel.deliver(address('s-3', '+15550002222'), [{ seq: 3, role: 'bot', text }]);
    expect(second.outcome).toBe('delivered');
    const bodies = graph.sends.slice(before).map((s) => (s.body.text as { body: string }).body);
    expect(bodies).toEqual(['a'.repeat(4000), 'b'.repeat(3000)]);
    const third = await channel.deliver(address('s-3', '+15550002222'), [{ seq: 3, role: 'bot', text }]);
    expect(third.outcome).toBe('delivered');
    expect(graph.sends.length - before).toBe(2);
  });

  it('moves a sent message to delivered and read, never back, and failed wins', async () => {
    const messages = createChannelMessages(database.db);
    await messages.recordSent({
      sessionId: 's-4',
      seq: 1,
      part: 0,
      channel: 'whatsapp',
      externalId: '+1',
      externalMessageId: 'wamid.S4',
    });
    const report = (status: 'sent' | 'delivered' | 'read' | 'failed') => ({
      channel: 'whatsapp' as const,
      externalMessageId: 'wamid.S4',
      status,
      recipient: '+1',
      at: new Date().toISOString(),
      errorCode: null,
      errorTitle: null,
    });
    await messages.recordStatus(report('read'));
    await messages.recordStatus(report('delivered'));
    expect((await messages.forSession('s-4'))[0]?.status).toBe('read');
    await messages.recordStatus(report('failed'));
    expect((await messages.forSession('s-4'))[0]?.status).toBe('failed');
  });

  it('applies a status that arrived before the send was recorded', async () => {
    const messages = createChannelMessages(database.db);
    expect(
      await messages.recordStatus({
        channel: 'whatsapp',
        externalMessageId: 'wamid.EARLY',
        status: 'delivered',
        recipient: '+1',
        at: new Date().toISOString(),
        errorCode: null,
        errorTitle: null,
      }),
    ).toBe(false);
    await messages.recordSent({
      sessionId: 's-5',
      seq: 1,
      part: 0,
      channel: 'whatsapp',
      externalId: '+1',
      externalMessageId: 'wamid.EARLY',
    });
    expect((await messages.forSession('s-5'))[0]?.status).toBe('delivered');
  });
});

describe('Evolution client and channel', () => {
  it('sends {number, text} with the apikey, options as numbered text', async () => {
    const client = createEvolutionClient({
      apiUrl: evolution.url,
      apiKey: 'evo-key',
      instance: 'shop',
      timeoutMs: 2000,
    });
    const channel = createEvolutionChannel({ client, messages: createChannelMessages(database.db) });
    const result = await channel.deliver(address('e-1', '5511912345678@s.whatsapp.net', 'evolution'), [
      {
        seq: 2,
        role: 'bot',
        text: 'How shall we help?',
        buttons: [
          { id: 'instant_chat', label: 'Instant Chat', emoji: '📞' },
          { id: 'ticket', label: 'Create Ticket' },
        ],
      },
    ]);
    expect(result.outcome).toBe('delivered');
    const last = evolution.sends.at(-1);
    expect(last?.number).toBe('5511912345678');
    expect(last?.text).toContain('How shall we help?');
    expect(last?.text).toContain('1. 📞 Instant Chat');
    expect(last?.text).toContain('2. Create Ticket');
  });

  it('asks for a retry on a 500 and fails on a wrong key', async () => {
    evolution.faults.push('500');
    const ok = createEvolutionClient({
      apiUrl: evolution.url,
      apiKey: 'evo-key',
      instance: 'shop',
      timeoutMs: 2000,
    });
    expect((await ok.send({ number: '1', text: 'x' })).outcome).toBe('retry');
    const bad = createEvolutionClient({
      apiUrl: evolution.url,
      apiKey: 'wrong',
      instance: 'shop',
      timeoutMs: 2000,
    });
    expect(await bad.send({ number: '1', text: 'x' })).toMatchObject({
      outcome: 'failed',
      code: 'evolution_http_401',
    });
  });
});
