// A fake Slack Web API: POST /api/chat.postMessage with a bearer bot token, answering {ok:true, channel,
// ts, message} or {ok:false, error} with HTTP 200 (invalid_auth, channel_not_found, invalid_blocks), and
// rate limiting as 429 + Retry-After + {ok:false, error:"ratelimited"}. Also receives response_url posts.
import { type FakeServer, FaultPlan, startFakeServer, withFault } from '../handoff/support/fake-http.ts';

export interface SlackPosted {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
}

export interface SlackFake extends FakeServer {
  botToken: string;
  channel: string;
  messages: SlackPosted[];
  responses: Array<{ path: string; body: unknown }>;
  faults: FaultPlan;
  /** A URL on this fake to use as an interaction's response_url. */
  responseUrl(id: string): string;
}

export async function startSlackFake(): Promise<SlackFake> {
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
    if (req.path !== '/api/chat.postMessage' || req.method !== 'POST')
      return { status: 404, body: { ok: false, error: 'unknown_method' } };
    return withFault(faults.next(), () => {
      if (req.headers.authorization !== `Bearer ${botToken}`)
        return { status: 200, body: { ok: false, error: 'invalid_auth' } };
      const b = (req.json ?? {}) as { channel?: string; text?: string; blocks?: unknown };
      if (b.channel !== channel) return { status: 200, body: { ok: false, error: 'channel_not_found' } };
      if (b.blocks !== undefined && !Array.isArray(b.blocks))
        return { status: 200, body: { ok: false, error: 'invalid_blocks' } };
      const ts = `${Math.floor(Date.now() / 1000)}.${String(++counter).padStart(6, '0')}`;
      const posted: SlackPosted = {
        channel,
        ts,
        text: b.text ?? '',
        blocks: Array.isArray(b.blocks) ? b.blocks : [],
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
  };
}
