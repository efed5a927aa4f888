// Helpers for the operator tests: accounts, logins, escalating a visitor through the real engine and
// handoff worker, waiting for the escalation row, and a Server-Sent Events reader over fetch.
import type { Runtime } from '../../src/server/runtime.ts';
import { api, type Visitor } from '../support/runtime.ts';

let n = 0;

export interface LoggedIn {
  id: string;
  email: string;
  role: 'agent' | 'admin';
  token: string;
  auth: Record<string, string>;
}

export async function createOperator(
  runtime: Runtime,
  role: 'agent' | 'admin',
  name = `${role} ${++n}`,
): Promise<{ email: string; password: string; id: string }> {
  const email = `${role}${++n}-${Date.now()}@example.test`;
  const password = `pw-${role}-${n}-long-enough`;
  const created = await runtime.operators.directory.create({ email, password, role, displayName: name });
  if (created.outcome !== 'created') throw new Error('operator not created');
  return { email, password, id: created.operator.id };
}

export async function login(url: string, email: string, password: string): Promise<LoggedIn> {
  const res = await api(url, 'POST', '/api/v1/auth/login', { email, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    id: res.body.operator.id,
    email,
    role: res.body.operator.role,
    token: res.body.token,
    auth: { authorization: `Bearer ${res.body.token}` },
  };
}

export async function newOperator(runtime: Runtime, url: string, role: 'agent' | 'admin', name?: string) {
  const account = await createOperator(runtime, role, name);
  return login(url, account.email, account.password);
}

/** The seed path to a human: describe the problem, ask for a person, pick "Instant Chat". */
export async function escalateVisitor(v: Visitor, opener = 'can you help me with password'): Promise<void> {
  await v.send(opener);
  const ask = await v.send('I want to talk to a human');
  if (ask.body.state !== 'escalation_options') throw new Error(`expected the options, got ${ask.body.state}`);
  const pick = await v.press('instant_chat');
  if (pick.body.state !== 'escalated.queued') throw new Error(`expected the queue, got ${pick.body.state}`);
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The escalation row of a conversation once the handoff worker has written it (optionally in a status). */
export function waitForEscalation(
  url: string,
  auth: Record<string, string>,
  conversationId: string,
  status = 'queued,assigned,resolved,handed_back,failed',
  until: (item: any) => boolean = () => true,
) {
  return waitFor(`escalation of ${conversationId} (${status})`, async () => {
    const res = await api(url, 'GET', `/api/v1/escalations?status=${status}&pageSize=100`, undefined, auth);
    return res.body.items?.find((i: any) => i.conversationId === conversationId && until(i));
  });
}

export interface SseEvent {
  event: string;
  id: string | null;
  data: any;
}

/** Reads an SSE response with fetch (headers allowed, like the browser clients do). */
export async function openSse(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  const waiters: Array<() => void> = [];
  let ended = false;
  if (res.ok && res.body) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let cut = buffer.indexOf('\n\n');
          while (cut !== -1) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            cut = buffer.indexOf('\n\n');
            let event = 'message';
            let id: string | null = null;
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) event = line.slice(7);
              else if (line.startsWith('id: ')) id = line.slice(4);
              else if (line.startsWith('data: ')) data.push(line.slice(6));
            }
            if (data.length) {
              events.push({ event, id, data: JSON.parse(data.join('\n')) });
              for (const w of waiters.splice(0)) w();
            }
          }
        }
      } catch {}
      ended = true;
      for (const w of waiters.splice(0)) w();
    })();
  }
  return {
    status: res.status,
    headers: res.headers,
    events,
    /** The first event (from `from` on) that matches, waiting for it up to `timeoutMs`. */
    async next(match: (e: SseEvent) => boolean, timeoutMs = 5000, from = 0): Promise<SseEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.slice(from).find(match);
        if (found) return found;
        if (ended) throw new Error(`stream ended; events: ${JSON.stringify(events.map((e) => e.event))}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching event in ${timeoutMs} ms; got ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    },
    /** Resolves when the server ends the stream; throws after `timeoutMs`. */
    async untilEnded(timeoutMs = 5000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!ended) {
        if (Date.now() > deadline) throw new Error(`the stream did not end in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close() {
      controller.abort();
    },
  };
}
