// Slack Web API transport: bearer bot token, JSON bodies, answers as {ok:true,…} or {ok:false,error} (with
// HTTP 200), rate limiting as 429 with Retry-After.
import { z } from 'zod';
import {
  callVendor,
  classifyHttpFailure,
  type DeliveryResult,
  excerpt,
  type Fetch,
  retryAfterMs,
  transportFailure,
} from '../vendor.http.ts';
import type { SlackMessageRequest } from './slack.mapping.ts';

export interface SlackClientOptions {
  apiUrl: string;
  botToken: string;
  timeoutMs: number;
  fetch?: Fetch;
}

/** Slack errors worth retrying; every other `error` is a configuration problem a retry cannot fix. */
const TRANSIENT = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

type Failure = Extract<DeliveryResult, { outcome: 'retry' | 'failed' }>;

export function createSlackClient(options: SlackClientOptions) {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  return {
    async postMessage(
      message: SlackMessageRequest,
    ): Promise<{ ok: true; channel: string; ts: string } | { ok: false; result: Failure }> {
      const call = await callVendor(fetchImpl, {
        method: 'POST',
        url: `${options.apiUrl}/chat.postMessage`,
        headers: { authorization: `Bearer ${options.botToken}` },
        json: message,
        timeoutMs: options.timeoutMs,
      });
      if (!call.ok) return { ok: false, result: transportFailure('Slack', call) };
      const { status, body, headers } = call.response;
      if (status === 200) {
        const success = z
          .object({ ok: z.literal(true), channel: z.string(), ts: z.string() })
          .safeParse(body);
        if (success.success) return { ok: true, channel: success.data.channel, ts: success.data.ts };
        const failure = z.object({ ok: z.literal(false), error: z.string() }).safeParse(body);
        if (failure.success) {
          const error = failure.data.error;
          if (TRANSIENT.has(error)) {
            const after = retryAfterMs(headers);
            return {
              ok: false,
              result: {
                outcome: 'retry',
                error: `Slack: ${error}`,
                inDoubt: error !== 'ratelimited',
                ...(after !== undefined ? { retryAfterMs: after } : {}),
              },
            };
          }
          return {
            ok: false,
            result: {
              outcome: 'failed',
              error: `Slack refused chat.postMessage: ${error} (check SLACK_BOT_TOKEN, SLACK_CHANNEL and the app's scopes)`,
            },
          };
        }
        return {
          ok: false,
          result: {
            outcome: 'retry',
            error: `Slack answered an unreadable body: ${excerpt(body)}`,
            inDoubt: true,
          },
        };
      }
      return { ok: false, result: classifyHttpFailure('Slack', call.response, excerpt(body)) };
    },

    /** A user's display name (users.info, scope users:read); null when Slack will not say. */
    async userName(userId: string): Promise<string | null> {
      const call = await callVendor(fetchImpl, {
        method: 'GET',
        url: `${options.apiUrl}/users.info?${new URLSearchParams({ user: userId })}`,
        headers: { authorization: `Bearer ${options.botToken}` },
        timeoutMs: options.timeoutMs,
      });
      if (!call.ok || call.response.status !== 200) return null;
      const parsed = z
        .object({
          ok: z.literal(true),
          user: z.object({
            real_name: z.string().optional(),
            name: z.string().optional(),
            profile: z
              .object({ display_name: z.string().optional(), real_name: z.string().optional() })
              .optional(),
          }),
        })
        .safeParse(call.response.body);
      if (!parsed.success) return null;
      const u = parsed.data.user;
      return u.profile?.display_name || u.real_name || u.profile?.real_name || u.name || null;
    },

    /** Replaces the message an interaction came from (via the interaction's response_url). */
    async respond(
      responseUrl: string,
      payload: { text: string; replace_original: boolean },
    ): Promise<boolean> {
      const call = await callVendor(fetchImpl, {
        method: 'POST',
        url: responseUrl,
        json: payload,
        timeoutMs: options.timeoutMs,
      });
      return call.ok && call.response.status === 200;
    },
  };
}

export type SlackClient = ReturnType<typeof createSlackClient>;
