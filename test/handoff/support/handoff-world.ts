// A real Switchboard runtime wired to local fake vendors (Zoho accounts, SalesIQ, Zendesk, Freshdesk,
// Slack) through its environment, as an operator would configure it; with short retry backoffs so that
// "down for a while" takes seconds, not minutes.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { RuntimeOverrides } from '../../../src/server/runtime.ts';
import { type FreshdeskFake, startFreshdeskFake } from '../../fakes/freshdesk.fake.ts';
import { type SalesIqFake, startSalesIqFake } from '../../fakes/salesiq.fake.ts';
import { type SlackFake, startSlackFake } from '../../fakes/slack.fake.ts';
import { startZendeskFake, type ZendeskFake } from '../../fakes/zendesk.fake.ts';
import { startZohoAccountsFake, type ZohoAccountsFake } from '../../fakes/zoho-accounts.fake.ts';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.ts';

export const SIGNING_SECRET = 'slack-signing-secret-for-tests';

export interface Vendors {
  zoho: ZohoAccountsFake;
  salesiq: SalesIqFake;
  zendesk: ZendeskFake;
  freshdesk: FreshdeskFake;
  slack: SlackFake;
  /** The SalesIQ portal's webhook key pair, generated here: the fake signs with it, we verify with the public half. */
  salesiqWebhookKeys: { privateKey: KeyObject; publicPem: string };
  close(): Promise<void>;
}

export async function startVendors(): Promise<Vendors> {
  const zoho = await startZohoAccountsFake();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const salesiq = await startSalesIqFake({
    screenName: 'zylker',
    isValidToken: (t) => zoho.isValid(t),
    webhookKey: privateKey,
  });
  const zendesk = await startZendeskFake();
  const freshdesk = await startFreshdeskFake();
  const slack = await startSlackFake(SIGNING_SECRET);
  return {
    zoho,
    salesiq,
    zendesk,
    freshdesk,
    slack,
    salesiqWebhookKeys: {
      privateKey,
      publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
    async close() {
      for (const s of [zoho, salesiq, zendesk, freshdesk, slack]) await s.close();
    },
  };
}

export function vendorEnv(
  v: Vendors,
  use: { salesiq?: boolean; zendesk?: boolean; freshdesk?: boolean; slack?: boolean },
): Record<string, string> {
  return {
    HANDOFF_HTTP_TIMEOUT_MS: '1000',
    // Everything (runtime, PGlite, fakes) shares one busy event loop here: a fake may process a request
    // well after the client gave up on it, exactly the case this delay exists for.
    HANDOFF_IN_DOUBT_DELAY_MS: '2500',
    ...(use.salesiq
      ? {
          SALESIQ_SERVER_URL: v.salesiq.url,
          SALESIQ_SCREEN_NAME: 'zylker',
          SALESIQ_APP_ID: 'app-1',
          SALESIQ_DEPARTMENT_ID: 'dept-1',
          ZOHO_ACCOUNTS_URL: v.zoho.url,
          ZOHO_CLIENT_ID: v.zoho.clientId,
          ZOHO_CLIENT_SECRET: v.zoho.clientSecret,
          ZOHO_REFRESH_TOKEN: v.zoho.refreshToken,
          SALESIQ_WEBHOOK_PUBLIC_KEY: v.salesiqWebhookKeys.publicPem,
        }
      : {}),
    ...(use.zendesk
      ? {
          ZENDESK_URL: v.zendesk.url,
          ZENDESK_EMAIL: v.zendesk.email,
          ZENDESK_API_TOKEN: v.zendesk.apiToken,
          ZENDESK_WEBHOOK_SECRET: v.zendesk.webhookSecret,
        }
      : {}),
    ...(use.freshdesk
      ? {
          FRESHDESK_URL: v.freshdesk.url,
          FRESHDESK_API_KEY: v.freshdesk.apiKey,
          FRESHDESK_WEBHOOK_SECRET: v.freshdesk.webhookSecret,
        }
      : {}),
    ...(use.slack
      ? {
          SLACK_BOT_TOKEN: v.slack.botToken,
          SLACK_CHANNEL: v.slack.channel,
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: `${v.slack.url}/api`,
        }
      : {}),
  };
}

/**
 * Short, but real, backoffs: the worker's retry loop is exercised as in production, only faster. Twelve
 * attempts with backoff capped at 250 ms span about 2.5 s: a vendor down for 1.5 s is ridden out, one down
 * for good is given up on within seconds.
 */
export const FAST: RuntimeOverrides = {
  effectWorker: { baseBackoffMs: 20, maxBackoffMs: 250, maxAttempts: 12, pollMs: 25 },
  handoff: {
    token: { pollMs: 5, waitMs: 3000, throttleCooldownMs: 300 },
    notYetMs: 30,
    deskWorker: { retryMs: 50 },
  },
};

export async function startWorld(
  vendors: Vendors,
  use: Parameters<typeof vendorEnv>[1],
  options: {
    backend?: 'pglite' | 'postgres';
    env?: Record<string, string>;
    overrides?: RuntimeOverrides;
  } = {},
): Promise<TestRuntime> {
  return startTestRuntime({
    ...(options.backend ? { backend: options.backend } : {}),
    env: { ...vendorEnv(vendors, use), ...options.env },
    overrides: {
      ...FAST,
      ...options.overrides,
      effectWorker: { ...FAST.effectWorker, ...options.overrides?.effectWorker },
      handoff: { ...FAST.handoff, ...options.overrides?.handoff },
    },
  });
}

/** Waits until `check` holds (polling), or fails with what it last saw. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  ok: (v: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await check();
  while (!ok(last)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting; last value: ${JSON.stringify(last)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 25));
    last = await check();
  }
  return last;
}

/** Waits until the outbox has nothing left to run. */
export const effectsIdle = (t: TestRuntime, timeoutMs = 30_000) =>
  eventually(
    () => t.runtime.effectLog.pendingCount(),
    (n) => n === 0,
    timeoutMs,
  );
