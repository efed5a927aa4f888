// Liveness and readiness probes. /healthz: the process answers. /readyz: every backing service answers
// (Postgres, Redis when configured) and the process is not draining for shutdown; otherwise 503 naming
// what is down, so a load balancer sends traffic elsewhere.
import { z } from 'zod';
import { type Route, route } from './route.table.ts';

/** Resolves when the dependency answers; rejects (or times out) when it does not. */
export type ReadinessCheck = () => Promise<unknown>;

export interface HealthOptions {
  checks: Record<string, ReadinessCheck>;
  /** True once shutdown started: the process finishes its in-flight turns but takes no new ones. */
  isDraining: () => boolean;
  checkTimeoutMs?: number;
}

interface CheckResult {
  ok: boolean;
  ms: number;
  error?: string;
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, ms: Math.round(performance.now() - started), error: message || 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

const checkResult = z.object({ ok: z.boolean(), ms: z.number(), error: z.string().optional() });
const checks = z.record(z.string(), checkResult);

export function healthRoutes(options: HealthOptions): Route[] {
  const timeoutMs = options.checkTimeoutMs ?? 2000;
  const tags = ['ops'];
  return [
    route({
      method: 'get',
      path: '/healthz',
      summary: 'Liveness: the process answers',
      tags,
      auth: 'none',
      responses: {
        '200': {
          description: 'Alive',
          schema: z.object({ status: z.literal('ok'), uptimeSeconds: z.number() }),
        },
      },
      handler: ({ res }) => {
        res
          .set('Cache-Control', 'no-store')
          .json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
      },
    }),
    route({
      method: 'get',
      path: '/readyz',
      summary: 'Readiness: Postgres (and Redis when configured) answer and the process is not draining',
      tags,
      auth: 'none',
      responses: {
        '200': { description: 'Ready', schema: z.object({ status: z.literal('ready'), checks }) },
        '503': {
          description: 'Not ready (a backing service does not answer) or draining for shutdown',
          schema: z.object({
            status: z.enum(['not_ready', 'draining']),
            down: z.array(z.string()),
            message: z.string(),
            checks,
          }),
        },
      },
      handler: async ({ res }) => {
        const names = Object.keys(options.checks);
        const results = await Promise.all(
          names.map(async (name) => {
            const check = options.checks[name];
            return [name, check ? await runCheck(check, timeoutMs) : { ok: false, ms: 0 }] as const;
          }),
        );
        const checks = Object.fromEntries(results);
        const down = results.filter(([, r]) => !r.ok).map(([name]) => name);
        const draining = options.isDraining();
        res.set('Cache-Control', 'no-store');
        if (down.length === 0 && !draining) return res.json({ status: 'ready', checks });
        res.status(503).json({
          status: draining ? 'draining' : 'not_ready',
          down,
          message: draining
            ? 'The process is shutting down: it finishes in-flight requests and takes no new ones.'
            : `Not ready: ${down.join(' and ')} ${down.length > 1 ? 'do' : 'does'} not answer.`,
          checks,
        });
      },
    }),
  ];
}
