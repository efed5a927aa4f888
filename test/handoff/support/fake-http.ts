// A tiny HTTP server base for the vendor fakes: real sockets on 127.0.0.1:0, every request recorded, and a
// fault plan (error answers, slow answers after the work was done, dropped connections, "down for a while").
// The fakes speak the vendors' wire formats; the code under test uses its real HTTP client against them.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  raw: string;
  json: unknown;
  form: URLSearchParams;
  at: number;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Answer this late (the work is already done: a client that times out does not know it happened). */
  delayMs?: number;
  /** Drop the connection without an answer. */
  destroy?: boolean;
}

export type Fault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Do the work, then answer only after `ms` (longer than the client's timeout = an unanswered request). */
  | { kind: 'slow'; ms: number }
  | { kind: 'reset' };

/** Faults consumed one per matching request, plus "down" windows in which every request gets a 503. */
export class FaultPlan {
  private queue: Fault[] = [];
  private downUntil = 0;
  private forGood = false;
  constructor(private readonly unavailable: () => Fault) {}
  push(...faults: Fault[]): this {
    this.queue.push(...faults);
    return this;
  }
  /** Every request fails with 503 for this long (from now). */
  downFor(ms: number): this {
    this.downUntil = Date.now() + ms;
    return this;
  }
  downForGood(): this {
    this.forGood = true;
    return this;
  }
  up(): this {
    this.forGood = false;
    this.downUntil = 0;
    this.queue = [];
    return this;
  }
  next(): Fault | null {
    if (this.forGood || Date.now() < this.downUntil) return this.unavailable();
    return this.queue.shift() ?? null;
  }
  get pending(): number {
    return this.queue.length;
  }
}

/** Applies a fault around `work`: an error answer instead of it, a dropped connection, or a late answer. */
export async function withFault(fault: Fault | null, work: () => Reply | Promise<Reply>): Promise<Reply> {
  if (fault?.kind === 'status') return { status: fault.status, body: fault.body, headers: fault.headers };
  if (fault?.kind === 'reset') return { status: 0, destroy: true };
  const reply = await work();
  return fault?.kind === 'slow' ? { ...reply, delayMs: fault.ms } : reply;
}

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startFakeServer(
  handle: (req: RecordedRequest) => Reply | Promise<Reply>,
): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://fake');
      let json: unknown = null;
      try {
        json = raw ? JSON.parse(raw) : null;
      } catch {
        json = null;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        raw,
        json,
        form: new URLSearchParams(raw),
        at: Date.now(),
      };
      requests.push(recorded);
      let reply: Reply;
      try {
        reply = await handle(recorded);
      } catch (error) {
        reply = { status: 500, body: { error: String(error) } };
      }
      if (reply.destroy) {
        req.socket.destroy();
        return;
      }
      const send = () => {
        if (res.destroyed || res.writableEnded) return;
        const body =
          reply.body === undefined
            ? ''
            : typeof reply.body === 'string'
              ? reply.body
              : JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          ...(typeof reply.body === 'string'
            ? { 'content-type': 'text/plain' }
            : { 'content-type': 'application/json' }),
          ...reply.headers,
        });
        res.end(body);
      };
      if (reply.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, reply.delayMs);
        timers.add(t);
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function basicAuth(headers: IncomingHttpHeaders): { user: string; password: string } | null {
  const value = headers.authorization;
  if (!value?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(value.slice(6), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

/** A webhook as a vendor sends it: the exact bytes, the vendor's headers; answers status and body. */
export async function sendWebhook(
  url: string,
  rawBody: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers, body: rawBody });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, body };
}
