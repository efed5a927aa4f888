// There is no Docker engine here, so `docker compose config` cannot run: this parses docker-compose.yml
// and checks what it would reject or what would break at start. Risks covered: invalid YAML, an app that
// starts before its databases are healthy, a variable the app does not know (typo) or a value it rejects,
// URLs pointing at hosts that are not services, undeclared volumes, a documented variable that never reaches
// the app, liveness and readiness probing the same path, an image on an unsupported Node or running the
// sources through a dev tool instead of the build.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { envSchema, parseEnv } from '../../src/config/env.ts';

const root = new URL('../../', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, root), 'utf8');

/** Compose interpolation with defaults only (`${VAR:-default}`, `${VAR}` → empty), as with no .env file. */
function interpolate(value: string): string {
  return value.replace(
    /\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g,
    (_, _name: string, fallback?: string) => fallback ?? '',
  );
}

const healthcheck = z.object({
  test: z.union([z.array(z.string()).min(2), z.string().min(1)]),
  interval: z.string().regex(/^\d+(ms|s|m)$/),
  timeout: z.string().regex(/^\d+(ms|s|m)$/),
  retries: z.number().int().positive(),
  start_period: z
    .string()
    .regex(/^\d+(ms|s|m)$/)
    .optional(),
});
const service = z.strictObject({
  build: z.string().optional(),
  image: z.string().optional(),
  init: z.boolean().optional(),
  restart: z.enum(['no', 'always', 'on-failure', 'unless-stopped']),
  stop_grace_period: z
    .string()
    .regex(/^\d+(ms|s|m)$/)
    .optional(),
  env_file: z.array(z.strictObject({ path: z.string(), required: z.boolean() })).optional(),
  command: z.array(z.string()).optional(),
  ports: z.array(z.string().regex(/^(\$\{[A-Z_]+(:-\d+)?\}|\d+):\d+$/)).optional(),
  environment: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  volumes: z.array(z.string()).optional(),
  depends_on: z
    .record(z.string(), z.strictObject({ condition: z.enum(['service_started', 'service_healthy']) }))
    .optional(),
  healthcheck,
});
const composeFile = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
  services: z.record(z.string(), service),
  volumes: z.record(z.string(), z.null()).optional(),
});

describe('docker-compose.yml', () => {
  const compose = composeFile.parse(parse(read('docker-compose.yml')));
  const { app, redis, postgres } = compose.services;

  it('has the app, Redis and Postgres, each with a health check, and every named volume declared', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'postgres', 'redis']);
    expect(app?.build).toBe('.');
    expect(redis?.image).toMatch(/^redis:7/);
    expect(postgres?.image).toMatch(/^postgres:1[6-9]/);
    for (const s of Object.values(compose.services))
      for (const v of s.volumes ?? []) {
        const name = v.split(':')[0] ?? '';
        if (!name.startsWith('.') && !name.startsWith('/'))
          expect(Object.keys(compose.volumes ?? {})).toContain(name);
      }
  });

  it('starts the app only once Redis and Postgres are healthy', () => {
    expect(app?.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    expect(app?.init).toBe(true);
  });

  it('gives the app only variables it knows, with values it accepts, pointing at the services', () => {
    const env = Object.fromEntries(
      Object.entries(app?.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]),
    );
    const known = Object.keys(envSchema.shape);
    for (const name of Object.keys(env)) expect(known, `unknown variable ${name}`).toContain(name);
    const config = parseEnv(env);
    expect(config.server.host).toBe('0.0.0.0');
    expect(new URL(config.storage.databaseUrl ?? '').hostname).toBe('postgres');
    expect(new URL(config.storage.redisUrl ?? '').hostname).toBe('redis');
    const pg = postgres?.environment ?? {};
    const url = new URL(config.storage.databaseUrl ?? '');
    expect([url.username, url.password, url.pathname.slice(1)]).toEqual([
      String(pg.POSTGRES_USER),
      interpolate(String(pg.POSTGRES_PASSWORD)),
      String(pg.POSTGRES_DB),
    ]);
    expect(app?.ports).toEqual([expect.stringMatching(/:3000$/)]);
  });

  it('passes every documented setting through an env_file, and probes readiness (/readyz)', () => {
    expect(app?.env_file).toEqual([{ path: '.env', required: false }]);
    const documented = [...read('.env.example').matchAll(/^# ([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(envSchema.shape).sort());
    expect(JSON.stringify(app?.healthcheck.test)).toContain('/readyz');
  });

  it('keeps Redis data across restarts and never evicts sessions or effects', () => {
    expect(redis?.command).toEqual(
      expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']),
    );
  });
});

describe('Dockerfile', () => {
  const lines = read('Dockerfile')
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('#'));
  const stages = lines.filter((l) => l.startsWith('FROM '));
  const runtime = lines.slice(lines.lastIndexOf(stages.at(-1) ?? ''));
  it('builds in a stage of its own and runs the build with production dependencies on a supported Node LTS', () => {
    expect(stages).toHaveLength(2);
    for (const from of stages) expect(from).toMatch(/^FROM node:(22|24)-/);
    expect(lines.some((l) => /^RUN npm run build$/.test(l))).toBe(true);
    expect(runtime.some((l) => /^RUN npm ci --omit=dev\b/.test(l))).toBe(true);
    expect(runtime.some((l) => /^COPY --from=build \/app\/dist \.\/dist$/.test(l))).toBe(true);
    expect(runtime.some((l) => /HOST=0\.0\.0\.0/.test(l))).toBe(true);
    expect(runtime.some((l) => /CMD .*\/healthz/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe('CMD ["node", "dist/cli.js", "serve"]');
    expect(read('.dockerignore')).toMatch(/^node_modules$/m);
    expect(read('.dockerignore')).toMatch(/^dist$/m);
  });
});
