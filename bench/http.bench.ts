// HTTP throughput and p99 through the Express server (the production runtime, workers on) at N connections,
// with autocannon in a separate process; baseline in the same run and the same server process: an Express
// JSON echo route (same middleware stack, same body size), at the same connections and duration.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { z } from 'zod';
import type { Runtime } from '../src/server/runtime.ts';
import { SEED_CONVERSATION } from './engine.bench.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const loadResultSchema = z.object({
  requests: z.number(),
  ok: z.number(),
  non2xx: z.number(),
  errors: z.number(),
  timeouts: z.number(),
  perSecond: z.number(),
  latencyP50Ms: z.number(),
  latencyP99Ms: z.number(),
  seconds: z.number(),
});
export type LoadResult = z.infer<typeof loadResultSchema>;

export function addEchoRoute(runtime: Runtime): void {
  runtime.app.post('/bench/echo', express.json({ limit: '32kb' }), (req, res) => {
    res.json(req.body);
  });
}

export function runLoad(options: {
  url: string;
  mode: 'turns' | 'echo';
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/http.load.ts', JSON.stringify({ ...options, messages: SEED_CONVERSATION })],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(loadResultSchema.parse(JSON.parse(last)));
      } catch (error) {
        reject(new Error(`load generator printed no result: ${out}\n${error}`));
      }
    });
  });
}
