// The handoff targets' environment variables: each target is switched on by setting its group, and a
// half-set group is a start-up error naming what is missing (a typo must not silently mean "off").
// Secrets live only here, never in the routing file.
import { z } from 'zod';
import { blankIsUnset, envGroup, httpUrl } from '../config/env.groups.ts';

const text = z.string().min(1);

export const handoffEnvShape = {
  SALESIQ_SERVER_URL: blankIsUnset(httpUrl),
  SALESIQ_SCREEN_NAME: blankIsUnset(text),
  SALESIQ_APP_ID: blankIsUnset(text),
  SALESIQ_DEPARTMENT_ID: blankIsUnset(text),
  ZOHO_ACCOUNTS_URL: blankIsUnset(httpUrl),
  ZOHO_CLIENT_ID: blankIsUnset(text),
  ZOHO_CLIENT_SECRET: blankIsUnset(text),
  ZOHO_REFRESH_TOKEN: blankIsUnset(text),
  ZENDESK_URL: blankIsUnset(httpUrl),
  ZENDESK_EMAIL: blankIsUnset(z.string().email()),
  ZENDESK_API_TOKEN: blankIsUnset(text),
  FRESHDESK_URL: blankIsUnset(httpUrl),
  FRESHDESK_API_KEY: blankIsUnset(text),
  SLACK_BOT_TOKEN: blankIsUnset(text),
  SLACK_CHANNEL: blankIsUnset(text),
  SLACK_SIGNING_SECRET: blankIsUnset(text),
  SLACK_API_URL: blankIsUnset(httpUrl),
  HUBSPOT_ACCESS_TOKEN: blankIsUnset(text),
  HUBSPOT_API_URL: blankIsUnset(httpUrl),
  SALESIQ_WEBHOOK_PUBLIC_KEY: blankIsUnset(
    z
      .string()
      // One line in an env file: "\n" escapes stand for the PEM's line breaks.
      .transform((v) => v.replace(/\\n/g, '\n'))
      .refine((v) => v.includes('-----BEGIN PUBLIC KEY-----'), {
        message: 'must be the PEM public key SalesIQ shows for webhooks (-----BEGIN PUBLIC KEY----- …)',
      }),
  ),
  ZENDESK_WEBHOOK_SECRET: blankIsUnset(text),
  FRESHDESK_WEBHOOK_SECRET: blankIsUnset(z.string().min(16, 'use at least 16 random characters')),
  HANDOFF_ROUTING_FILE: blankIsUnset(text),
  HANDOFF_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  HANDOFF_IN_DOUBT_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),
};

const handoffEnvSchema = z.object(handoffEnvShape);
type HandoffEnv = z.infer<typeof handoffEnvSchema>;

export interface SalesIqEnv {
  serverUrl: string;
  screenName: string;
  appId: string;
  departmentId: string;
  accountsUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}
export interface ZendeskEnv {
  url: string;
  email: string;
  apiToken: string;
}
export interface FreshdeskEnv {
  url: string;
  apiKey: string;
}
export interface HubSpotEnv {
  accessToken: string;
  apiUrl: string;
}
export interface SlackEnv {
  botToken: string;
  channel: string;
  signingSecret: string | undefined;
  apiUrl: string;
}

/** Secrets that verify what the desks send back (each desk's webhook is off while its secret is unset). */
export interface DeskWebhookEnv {
  salesiqPublicKey: string | undefined;
  zendeskSecret: string | undefined;
  freshdeskSecret: string | undefined;
}

export interface HandoffEnvConfig {
  salesiq: SalesIqEnv | null;
  zendesk: ZendeskEnv | null;
  freshdesk: FreshdeskEnv | null;
  slack: SlackEnv | null;
  /** The external CRM (contacts and notes of handovers and resolutions). */
  hubspot: HubSpotEnv | null;
  webhooks: DeskWebhookEnv;
  routingFile: string | undefined;
  httpTimeoutMs: number;
  /** After an unanswered request, wait this long before looking whether the vendor acted on it. */
  inDoubtDelayMs: number;
}

export function handoffConfig(env: HandoffEnv): { config: HandoffEnvConfig; problems: string[] } {
  const problems: string[] = [];
  const s = envGroup(
    env,
    [
      'SALESIQ_SERVER_URL',
      'SALESIQ_SCREEN_NAME',
      'SALESIQ_APP_ID',
      'SALESIQ_DEPARTMENT_ID',
      'ZOHO_ACCOUNTS_URL',
      'ZOHO_CLIENT_ID',
      'ZOHO_CLIENT_SECRET',
      'ZOHO_REFRESH_TOKEN',
    ] as const,
    'SalesIQ live chat',
    problems,
  );
  const z = envGroup(
    env,
    ['ZENDESK_URL', 'ZENDESK_EMAIL', 'ZENDESK_API_TOKEN'] as const,
    'Zendesk',
    problems,
  );
  const f = envGroup(env, ['FRESHDESK_URL', 'FRESHDESK_API_KEY'] as const, 'Freshdesk', problems);
  const sl = envGroup(env, ['SLACK_BOT_TOKEN', 'SLACK_CHANNEL'] as const, 'Slack notifications', problems);
  return {
    problems,
    config: {
      salesiq: s && {
        serverUrl: s.SALESIQ_SERVER_URL,
        screenName: s.SALESIQ_SCREEN_NAME,
        appId: s.SALESIQ_APP_ID,
        departmentId: s.SALESIQ_DEPARTMENT_ID,
        accountsUrl: s.ZOHO_ACCOUNTS_URL,
        clientId: s.ZOHO_CLIENT_ID,
        clientSecret: s.ZOHO_CLIENT_SECRET,
        refreshToken: s.ZOHO_REFRESH_TOKEN,
      },
      zendesk: z && { url: z.ZENDESK_URL, email: z.ZENDESK_EMAIL, apiToken: z.ZENDESK_API_TOKEN },
      freshdesk: f && { url: f.FRESHDESK_URL, apiKey: f.FRESHDESK_API_KEY },
      slack: sl && {
        botToken: sl.SLACK_BOT_TOKEN,
        channel: sl.SLACK_CHANNEL,
        signingSecret: env.SLACK_SIGNING_SECRET,
        apiUrl: env.SLACK_API_URL ?? 'https://slack.com/api',
      },
      hubspot: env.HUBSPOT_ACCESS_TOKEN
        ? { accessToken: env.HUBSPOT_ACCESS_TOKEN, apiUrl: env.HUBSPOT_API_URL ?? 'https://api.hubapi.com' }
        : null,
      webhooks: {
        salesiqPublicKey: env.SALESIQ_WEBHOOK_PUBLIC_KEY,
        zendeskSecret: env.ZENDESK_WEBHOOK_SECRET,
        freshdeskSecret: env.FRESHDESK_WEBHOOK_SECRET,
      },
      routingFile: env.HANDOFF_ROUTING_FILE,
      httpTimeoutMs: env.HANDOFF_HTTP_TIMEOUT_MS,
      inDoubtDelayMs: env.HANDOFF_IN_DOUBT_DELAY_MS,
    },
  };
}
