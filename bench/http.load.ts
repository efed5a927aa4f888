// The load generator, run as its own process so it does not share the server's event loop: autocannon at
// N connections for D seconds, either the seed conversation (each connection: start a session, then its 5
// messages, then a new session) or the echo route. Prints one JSON line with the results.
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { z } from 'zod';

const args = z
  .object({
    url: z.string(),
    mode: z.enum(['turns', 'echo']),
    connections: z.number().int().min(1),
    seconds: z.number().positive(),
    messages: z.array(z.string()).min(1),
  })
  .parse(JSON.parse(process.argv[2] ?? '{}'));

const json = { 'content-type': 'application/json' };
const run = randomBytes(4).toString('hex');
let id = 0;
const nextId = () => `${run}-${++id}`;

type Context = { sessionId?: string; token?: string };
const sessionBody = z.object({ sessionId: z.string(), token: z.string() });

const requests: autocannon.Request[] =
  args.mode === 'turns'
    ? [
        {
          method: 'POST',
          path: '/api/v1/sessions',
          headers: json,
          body: '{}',
          onResponse: (status: number, body: string, context: Context) => {
            if (status !== 201) return;
            const s = sessionBody.parse(JSON.parse(body));
            context.sessionId = s.sessionId;
            context.token = s.token;
          },
        },
        ...args.messages.map(
          (text): autocannon.Request => ({
            method: 'POST',
            setupRequest: (req: autocannon.Request, context: Context) =>
              context.sessionId
                ? {
                    ...req,
                    path: `/api/v1/sessions/${context.sessionId}/messages`,
                    headers: { ...json, authorization: `Bearer ${context.token}` },
                    body: JSON.stringify({ clientMessageId: nextId(), text }),
                  }
                : req,
          }),
        ),
      ]
    : [
        {
          method: 'POST',
          path: '/bench/echo',
          headers: json,
          setupRequest: (req: autocannon.Request) => ({
            ...req,
            body: JSON.stringify({
              clientMessageId: nextId(),
              text: args.messages[id % args.messages.length],
            }),
          }),
        },
      ];

const result = await autocannon({
  url: args.url,
  connections: args.connections,
  duration: args.seconds,
  requests,
});
const ok = result['2xx'];
process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    perSecond: ok / result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    seconds: result.duration,
  })}\n`,
);
