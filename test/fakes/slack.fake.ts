// A fake Slack Web API: POST /api/chat.postMessage with a bearer bot token, answering {ok:true, channel,
// ts, message} or {ok:false, error} with HTTP 200 (invalid_auth, channel_not_found, invalid_blocks), and
// rate limiting as 429 + Retry-After + {ok:false, error:"ratelimited"}. Also receives response_url posts.
import { createHmac, randomBytes } from 'node:crypto';
import {
  type FakeServer,
  FaultPlan,
  sendWebhook,
  startFakeServer,
  withFault,
} from '../handoff/support/fake-http.ts';

export const SLACK_AGENT = { id: 'U0AGENT42', name: 'Dana' };

export interface SlackPosted {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
  /** A thread reply also shown in the channel. */
  reply_broadcast?: boolean;
}

export interface SlackFake extends FakeServer {
  botToken: string;
  channel: string;
  messages: SlackPosted[];
  responses: Array<{ path: string; body: unknown }>;
  faults: FaultPlan;
  /** A URL on this fake to use as an interaction's response_url. */
  responseUrl(id: string): string;
  /** The app's signing secret, and where its Events API and slash command requests go. */
  signingSecret: string;
  appUrl: string | null;
  /** A human replies in the thread of `notice` (an Events API event_callback, signed v0). */
  threadReply(
    notice: SlackPosted,
    text: string,
    options?: { eventId?: string; retryNum?: number; secret?: string; timestamp?: number; user?: string },
  ): Promise<{ status: number; body: any; eventId: string }>;
  /** Any signed request to the app (url_verification, slash commands): JSON or form. */
  signed(
    path: string,
    raw: string,
    contentType: string,
    options?: { secret?: string; timestamp?: number; retryNum?: number },
  ): Promise<{ status: number; body: any }>;
}

export async function startSlackFake(signingSecret = 'slack-signing-secret-for-tests'): Promise<SlackFake> {
  const app = { url: null as string | null };
  const botToken = 'xoxb-test-123';
  const channel = 'C0URGENT';
  const messages: SlackPosted[] = [];
  const responses: Array<{ path: string; body: unknown }> = [];
  const faults = new FaultPlan(() => ({
    kind: 'status',
    status: 503,
    body: { ok: false, error: 'service_unavailable' },
  }));
  let counter = 0;

  const server = await startFakeServer(async (req) => {
    if (req.path.startsWith('/response/') && req.method === 'POST') {
      responses.push({ path: req.path, body: req.json });
      return { status: 200, body: 'ok' };
    }
    if (req.path === '/api/users.info' && req.method === 'GET') {
      if (req.headers.authorization !== `Bearer ${botToken}`)
        return { status: 200, body: { ok: false, error: 'invalid_auth' } };
      const user = req.query.get('user');
      if (user !== SLACK_AGENT.id) return { status: 200, body: { ok: false, error: 'user_not_found' } };
      return {
        status: 200,
        body: {
          ok: true,
          user: {
            id: user,
            name: 'dana',
            real_name: 'Dana Example',
            profile: { display_name: SLACK_AGENT.name },
          },
        },
      };
    }
    if (req.path !== '/api/chat.postMessage' || req.method !== 'POST')
      return { status: 404, body: { ok: false, error: 'unknown_method' } };
    return withFault(faults.next(), () => {
      if (req.headers.authorization !== `Bearer ${botToken}`)
        return { status: 200, body: { ok: false, error: 'invalid_auth' } };
      const b = (req.json ?? {}) as {
        channel?: string;
        text?: string;
        blocks?: unknown;
        thread_ts?: string;
        reply_broadcast?: unknown;
      };
      if (b.thread_ts !== undefined && !messages.some((m) => m.ts === b.thread_ts && !m.thread_ts))
        return { status: 200, body: { ok: false, error: 'thread_not_found' } };
      if (b.channel !== channel) return { status: 200, body: { ok: false, error: 'channel_not_found' } };
      if (b.blocks !== undefined && !Array.isArray(b.blocks))
        return { status: 200, body: { ok: false, error: 'invalid_blocks' } };
      const ts = `${Math.floor(Date.now() / 1000)}.${String(++counter).padStart(6, '0')}`;
      const posted: SlackPosted = {
        channel,
        ts,
        text: b.text ?? '',
        blocks: Array.isArray(b.blocks) ? b.blocks : [],
        ...(b.thread_ts ? { thread_ts: b.thread_ts } : {}),
        ...(b.thread_ts && b.reply_broadcast === true ? { reply_broadcast: true } : {}),
      };
      messages.push(posted);
      return {
        status: 200,
        body: { ok: true, channel, ts, message: { type: 'message', text: posted.text, ts } },
      };
    });
  });

  return {
    url: server.url,
    requests: server.requests,
    close: server.close,
    botToken,
    channel,
    messages,
    responses,
    faults,
    responseUrl: (id) => `${server.url}/response/${id}`,
    signingSecret,
    get appUrl() {
      return app.url;
    },
    set appUrl(url: string | null) {
      app.url = url;
    },
    signed,
    async threadReply(notice, text, options = {}) {
      const eventId = options.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`;
      const ts = `${Math.floor(Date.now() / 1000)}.${String(++counter).padStart(6, '0')}`;
      const raw = JSON.stringify({
        token: 'verification-token-unused',
        team_id: 'T0TEAM',
        api_app_id: 'A0APP',
        event: {
          type: 'message',
          channel: notice.channel,
          user: options.user ?? SLACK_AGENT.id,
          text,
          ts,
          thread_ts: notice.ts,
          channel_type: 'channel',
          event_ts: ts,
        },
        type: 'event_callback',
        event_id: eventId,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ team_id: 'T0TEAM', user_id: 'U0BOT', is_bot: true }],
      });
      const answer = await signed('/slack/events', raw, 'application/json', options);
      return { ...answer, eventId };
    },
  };

  async function signed(
    path: string,
    raw: string,
    contentType: string,
    options: { secret?: string; timestamp?: number; retryNum?: number } = {},
  ) {
    if (!app.url) throw new Error('slack fake: appUrl is not set');
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const signature = `v0=${createHmac('sha256', options.secret ?? signingSecret)
      .update(`v0:${timestamp}:${raw}`)
      .digest('hex')}`;
    return sendWebhook(`${app.url}${path}`, raw, {
      'content-type': contentType,
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signature,
      ...(options.retryNum !== undefined
        ? { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' }
        : {}),
    });
  }
}
