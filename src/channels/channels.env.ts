// The visitor channels' environment variables: each channel is switched on by setting its group, and a
// half-set group is a start-up error naming what is missing (a typo must not silently mean "off").
import { z } from 'zod';
import { blankIsUnset, envGroup, httpUrl } from '../config/env.groups.ts';

const text = z.string().min(1);
const secret = z.string().min(8, 'use at least 8 characters');
const pem = z
  .string()
  // Environment files often carry a PEM on one line with literal \n.
  .transform((v) => v.replace(/\\n/g, '\n').trim())
  .refine((v) => /-----BEGIN (RSA )?PUBLIC KEY-----/.test(v) || /^[A-Za-z0-9+/=\s]+$/.test(v), {
    message: 'a PEM public key (-----BEGIN PUBLIC KEY-----…) or its base64 body',
  });

export const channelsEnvShape = {
  WHATSAPP_PHONE_NUMBER_ID: blankIsUnset(text),
  WHATSAPP_ACCESS_TOKEN: blankIsUnset(text),
  WHATSAPP_APP_SECRET: blankIsUnset(secret),
  WHATSAPP_VERIFY_TOKEN: blankIsUnset(secret),
  WHATSAPP_API_URL: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    httpUrl.default('https://graph.facebook.com/v21.0'),
  ),
  EVOLUTION_API_URL: blankIsUnset(httpUrl),
  EVOLUTION_API_KEY: blankIsUnset(text),
  EVOLUTION_INSTANCE: blankIsUnset(text),
  EVOLUTION_WEBHOOK_TOKEN: blankIsUnset(secret),
  /** The Zobot webhook is always there; with a key, only requests SalesIQ signed are answered. */
  SALESIQ_ZOBOT_PUBLIC_KEY: blankIsUnset(pem),
  CHANNEL_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
};

const channelsEnvSchema = z.object(channelsEnvShape);
type ChannelsEnv = z.infer<typeof channelsEnvSchema>;

export interface WhatsAppEnv {
  phoneNumberId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  apiUrl: string;
}
export interface EvolutionEnv {
  apiUrl: string;
  apiKey: string;
  instance: string;
  webhookToken: string;
}
export interface ChannelsEnvConfig {
  whatsapp: WhatsAppEnv | null;
  evolution: EvolutionEnv | null;
  zobot: { publicKey: string | null };
  httpTimeoutMs: number;
}

export function channelsConfig(env: ChannelsEnv): { config: ChannelsEnvConfig; problems: string[] } {
  const problems: string[] = [];
  const w = envGroup(
    env,
    [
      'WHATSAPP_PHONE_NUMBER_ID',
      'WHATSAPP_ACCESS_TOKEN',
      'WHATSAPP_APP_SECRET',
      'WHATSAPP_VERIFY_TOKEN',
    ] as const,
    'the WhatsApp Cloud API channel',
    problems,
  );
  const e = envGroup(
    env,
    ['EVOLUTION_API_URL', 'EVOLUTION_API_KEY', 'EVOLUTION_INSTANCE', 'EVOLUTION_WEBHOOK_TOKEN'] as const,
    'the Evolution API channel',
    problems,
  );
  return {
    problems,
    config: {
      whatsapp: w && {
        phoneNumberId: w.WHATSAPP_PHONE_NUMBER_ID,
        accessToken: w.WHATSAPP_ACCESS_TOKEN,
        appSecret: w.WHATSAPP_APP_SECRET,
        verifyToken: w.WHATSAPP_VERIFY_TOKEN,
        apiUrl: env.WHATSAPP_API_URL,
      },
      evolution: e && {
        apiUrl: e.EVOLUTION_API_URL,
        apiKey: e.EVOLUTION_API_KEY,
        instance: e.EVOLUTION_INSTANCE,
        webhookToken: e.EVOLUTION_WEBHOOK_TOKEN,
      },
      zobot: { publicKey: env.SALESIQ_ZOBOT_PUBLIC_KEY ?? null },
      httpTimeoutMs: env.CHANNEL_HTTP_TIMEOUT_MS,
    },
  };
}
