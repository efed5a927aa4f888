// The runtime specs run on: the real composition root (engine, detection, PGlite store, migrations) in a
// temporary directory, with a clock the spec moves and session ids the spec chooses, so a spec's trace is
// the same on every run (golden traces can be re-recorded and compared). No LLM, no effect worker, no
// server, and only the configuration variables that change behaviour are taken from the environment.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { type Config, parseEnv } from '../config/env.ts';
import { type Knowledge, loadKnowledge } from '../content/knowledge.ts';
import { disabledClassifier } from '../detection/classifier.port.ts';
import { buildMachine } from '../engine/behaviour.build.ts';
import type { ConversationMachine } from '../machines/conversation.machine.ts';
import { createRuntime, type Runtime } from '../server/runtime.ts';

export const DEFAULT_SPEC_START = '2026-01-05T09:00:00.000Z';

export interface SpecClock {
  now(): Date;
  set(iso: string): void;
  advance(ms: number): void;
}

function createClock(): SpecClock {
  let current = Date.parse(DEFAULT_SPEC_START);
  return {
    now: () => new Date(current),
    set: (iso) => {
      current = Date.parse(iso);
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

export interface SpecRuntime {
  config: Config;
  runtime: Runtime;
  machine: ConversationMachine;
  knowledge: Knowledge;
  clock: SpecClock;
  /**
   * Makes `id` (or `id-2`, `id-3` … when this runtime already used it) the next started session's id, and
   * returns it.
   */
  claimSessionId(id: string): string;
  close(): Promise<void>;
}

export interface SpecRuntimeOptions {
  /** A new DATA_DIR for each runtime (tests pass an already migrated copy); default: an empty temp dir. */
  dataDir?: () => Promise<string>;
}

export async function openSpecRuntime(
  env: Record<string, string>,
  options: SpecRuntimeOptions = {},
): Promise<SpecRuntime> {
  const dir = options.dataDir ? await options.dataDir() : mkdtempSync(join(tmpdir(), 'switchboard-specs-'));
  const config = parseEnv({ ...env, DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'silent' });
  const knowledge = loadKnowledge(config.content.knowledgeFile, config.operators.firstResponseSla);
  const clock = createClock();
  let nextId: string | null = null;
  let counter = 0;
  const used = new Set<string>();
  try {
    const runtime = await createRuntime(config, {
      logger: pino({ level: 'silent' }),
      knowledge,
      now: () => clock.now(),
      newId: () => {
        const id = nextId ?? `spec-session-${++counter}`;
        nextId = null;
        return id;
      },
      classifier: disabledClassifier,
      runWorker: false,
    });
    return {
      config,
      runtime,
      machine: buildMachine(config, knowledge),
      knowledge,
      clock,
      claimSessionId: (id) => {
        let candidate = id;
        for (let n = 2; used.has(candidate); n++) candidate = `${id}-${n}`;
        used.add(candidate);
        nextId = candidate;
        return candidate;
      },
      async close() {
        await runtime.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** One runtime per distinct configuration, opened on first use. */
export function createSpecRuntimes(baseEnv: Record<string, string>, options: SpecRuntimeOptions = {}) {
  const open = new Map<string, Promise<SpecRuntime>>();
  return {
    get(overrides: Record<string, string | number | boolean> = {}): Promise<SpecRuntime> {
      const env = {
        ...baseEnv,
        ...Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, String(v)])),
      };
      const key = JSON.stringify(Object.entries(env).sort(([a], [b]) => a.localeCompare(b)));
      let runtime = open.get(key);
      if (!runtime) {
        runtime = openSpecRuntime(env, options);
        open.set(key, runtime);
      }
      return runtime;
    },
    async closeAll() {
      const all = await Promise.allSettled(open.values());
      open.clear();
      for (const r of all) if (r.status === 'fulfilled') await r.value.close();
    },
  };
}
export type SpecRuntimes = ReturnType<typeof createSpecRuntimes>;
