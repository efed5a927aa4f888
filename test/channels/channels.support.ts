// A running server with every visitor channel switched on against local vendor fakes (Graph API,
// Evolution API), a Zobot signer with a key pair made for the run, and helpers that wait on what the
// server does in the background (the inbox, the delivery effects) instead of sleeping.
import { eq } from 'drizzle-orm';
import { channelInbox } from '../../src/storage/schema/index.ts';
import { type EvolutionFake, startEvolutionFake } from '../fakes/evolution.fake.ts';
import { startWhatsAppGraphFake, type WhatsAppGraphFake } from '../fakes/whatsapp-graph.fake.ts';
import { createZobotSigner, type ZobotSigner } from '../fakes/zobot.signer.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';

export const PHONE_NUMBER_ID = '106540352242922';
export const ACCESS_TOKEN = 'EAAG-test-access-token';
export const APP_SECRET = 'meta-app-secret-for-tests';
export const VERIFY_TOKEN = 'verify-token-for-tests';
export const EVOLUTION_KEY = 'evolution-instance-key';
export const EVOLUTION_INSTANCE = 'shop';
export const EVOLUTION_TOKEN = 'evolution-webhook-token';

export interface ChannelsWorld {
  t: TestRuntime;
  graph: WhatsAppGraphFake;
  evolution: EvolutionFake;
  zobot: ZobotSigner;
  close(): Promise<void>;
}

export async function startChannelsWorld(
  options: { backend?: 'pglite' | 'postgres'; env?: Record<string, string> } = {},
): Promise<ChannelsWorld> {
  const graph = await startWhatsAppGraphFake({ phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN });
  const evolution = await startEvolutionFake({ apiKey: EVOLUTION_KEY, instance: EVOLUTION_INSTANCE });
  const zobot = createZobotSigner();
  const t = await startTestRuntime({
    ...(options.backend ? { backend: options.backend } : {}),
    env: {
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
      WHATSAPP_API_URL: graph.url,
      EVOLUTION_API_URL: evolution.url,
      EVOLUTION_API_KEY: EVOLUTION_KEY,
      EVOLUTION_INSTANCE: EVOLUTION_INSTANCE,
      EVOLUTION_WEBHOOK_TOKEN: EVOLUTION_TOKEN,
      SALESIQ_ZOBOT_PUBLIC_KEY: zobot.publicKeyPem,
      ...options.env,
    },
    overrides: { effectWorker: { baseBackoffMs: 20, maxBackoffMs: 100, pollMs: 50 } },
  });
  return {
    t,
    graph,
    evolution,
    zobot,
    async close() {
      await t.close();
      await graph.close();
      await evolution.close();
    },
  };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until the inbox has handled the message and every effect it caused has run. */
export async function settled(world: ChannelsWorld, channel: string, messageId: string): Promise<void> {
  const db = world.t.runtime.database.db;
  await waitFor(`inbox row ${messageId} handled`, async () => {
    const [row] = await db.select().from(channelInbox).where(eq(channelInbox.messageId, messageId));
    return row && row.channel === channel && row.status !== 'pending';
  });
  await waitFor('the outbox drained', async () => (await world.t.runtime.effectLog.pendingCount()) === 0);
}
