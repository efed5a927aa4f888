// The visitors of the scale tests: each sends its messages one after another (sessions run in parallel),
// alternating between the server processes, and sends every message a second time, at the same moment,
// with the same clientMessageId to the other process. A request that finds its process dead is retried
// elsewhere with the same clientMessageId, as a browser behind a load balancer would.

/** Ten messages that take a session through troubleshooting and the options into the agent queue. */
export const SCRIPT = [
  'can you help me with password',
  "it still doesn't work",
  'can you connect me to agent',
  '📞 Instant Chat',
  'are you there?',
  'my account is ana@example.com',
  'the reset e-mail never arrives',
  'I tried three times today',
  'spam folder is empty too',
  'thanks, I will wait',
];

export interface Answer {
  status: number;
  body: any;
  target: number;
}

export interface VisitorRun {
  sessionId: string;
  token: string;
  /** Per message: every 2xx answer it got (one per process that answered). */
  answers: Array<{ clientMessageId: string; text: string; ok: Answer[]; failed: string[] }>;
}

async function post(
  url: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${String(error)}${cause}`;
}

/**
 * One copy of a message to one process. A connection the server closed as idle just as the request went
 * out ("other side closed", ECONNRESET on a reused keep-alive socket) is retried like a browser would,
 * with the same clientMessageId; a process that is down (ECONNREFUSED) is not. So is a 503: the server's
 * documented answer when its storage did not answer in time (DATABASE_TIMEOUT_MS, say on a machine whose
 * CPU is saturated), which promises that the same clientMessageId is safe to send again. The exactly-once
 * checks then prove the promise.
 */
async function resend(url: string, path: string, body: unknown, token: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await post(url, path, body, token);
      // Five tries over about three seconds, as the 503's "retry in a few seconds" asks: three tries in
      // 0.6 s were too few for a Redis Cluster run in CI (one 503 was left after the last try, twice).
      if (r.status !== 503 || attempt >= 5) return r;
      await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
    } catch (error) {
      const reason = describe(error);
      if (attempt >= 3 || /ECONNREFUSED/.test(reason)) throw error;
    }
  }
}

/** Tries `first`, then every other target, until one answers 2xx (network errors and 5xx move on). */
async function deliver(
  targets: string[],
  first: number,
  path: string,
  body: unknown,
  token?: string,
): Promise<Answer> {
  let last = '';
  for (let attempt = 0; attempt < 20; attempt++) {
    const target = (first + attempt) % targets.length;
    try {
      const r = await post(targets[target] ?? '', path, body, token);
      if (r.status >= 200 && r.status < 300) return { ...r, target };
      last = `${r.status} ${JSON.stringify(r.body)}`;
      if (r.status < 500 && r.status !== 429) throw new Error(`refused: ${last}`);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('refused')) throw error;
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
  }
  throw new Error(`no process answered ${path}: ${last}`);
}

export async function runVisitor(
  index: number,
  targets: string[],
  options: { onAnswer?: () => void } = {},
): Promise<VisitorRun> {
  const start = await deliver(targets, index % targets.length, '/api/v1/sessions', {});
  const { sessionId, token } = start.body;
  const run: VisitorRun = { sessionId, token, answers: [] };
  for (const [k, text] of SCRIPT.entries()) {
    const clientMessageId = `v${index}-m${k}`;
    const primary = (index + k) % targets.length;
    const path = `/api/v1/sessions/${sessionId}/messages`;
    const body = { clientMessageId, text };
    const copy = (target: number) =>
      resend(targets[target] ?? '', path, body, token).then((r) => ({ ...r, target }));
    const sent = await Promise.allSettled([copy(primary), copy((primary + 1) % targets.length)]);
    const ok = sent.flatMap((s) =>
      s.status === 'fulfilled' && s.value.status >= 200 && s.value.status < 300 ? [s.value] : [],
    );
    const failed = sent.flatMap((s) =>
      s.status === 'rejected'
        ? [describe(s.reason)]
        : s.value.status >= 300
          ? [`${s.value.status} ${JSON.stringify(s.value.body)}`]
          : [],
    );
    // Both copies lost (a process died under them): the client retries, with the same id, until answered.
    if (ok.length === 0) ok.push(await deliver(targets, primary + 1, path, body, token));
    run.answers.push({ clientMessageId, text, ok, failed });
    options.onAnswer?.();
  }
  return run;
}

export async function viewSession(url: string, run: VisitorRun): Promise<any> {
  const res = await fetch(`${url}/api/v1/sessions/${run.sessionId}`, {
    headers: { authorization: `Bearer ${run.token}` },
  });
  if (res.status !== 200) throw new Error(`view ${run.sessionId}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}
