// Risks covered: an action the machine can emit that no handler runs (the SLA reminder that silently did
// nothing), a start-up that accepts such a gap, and params that drift from what the handlers read.

import { rmSync } from 'node:fs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { parseEnv } from '../../src/config/env.ts';
import {
  assertEffectCatalog,
  checkEffectParams,
  EFFECT_PARAMS,
  emittableEffects,
} from '../../src/engine/effect.catalog.ts';
import { representativeEvents } from '../../src/machines/conversation.graph.ts';
import { createConversationMachine } from '../../src/machines/conversation.machine.ts';
import { createRuntime } from '../../src/server/runtime.ts';
import { freshDataDir } from '../support/templates.ts';

const machine = createConversationMachine();

describe('the effect catalog', () => {
  it('covers every executed action taken on any shortest path of the machine (xstate/graph)', () => {
    const at = '2026-01-01T00:00:00.000Z';
    const events = representativeEvents(at);
    const paths = getShortestPaths(machine, {
      input: { at },
      events,
      filterEvents: (s, e) => s.can(e),
      // The same state key as the machine's transition-table test: context that changes the reachable edges.
      serializeState: (s) =>
        JSON.stringify([
          s.value,
          s.context.stepIndex,
          Math.min(s.context.troubleshootingAttempts, 3),
          s.context.category !== null,
          s.context.instantChatUnavailable,
          s.context.visitor.phone !== undefined,
          s.context.visitor.email !== undefined,
        ]),
    });
    const emitted = new Set<string>();
    for (const path of paths) {
      let [snapshot, actions] = initialTransition(machine, { at });
      for (const step of path.steps.slice(1)) {
        [snapshot, actions] = transition(machine, snapshot, step.event);
        for (const a of actions) if (a.type !== 'say' && !a.type.startsWith('xstate.')) emitted.add(a.type);
      }
      // Every event the reached state accepts, self-loops included (shortest paths skip those).
      for (const event of events) {
        if (!snapshot.can(event)) continue;
        for (const a of transition(machine, snapshot, event)[1])
          if (a.type !== 'say' && !a.type.startsWith('xstate.')) emitted.add(a.type);
      }
    }
    const catalog = new Set(emittableEffects(machine));
    expect([...emitted].filter((type) => !catalog.has(type))).toEqual([]);
    expect(emitted.has('remindOperators')).toBe(true);
    expect(emitted.has('updateTicketStatus')).toBe(true);
    for (const type of catalog) expect(EFFECT_PARAMS).toHaveProperty(type);
  });

  it('a runtime has a handler for every effect the machine can emit', async () => {
    const dir = await freshDataDir('switchboard-catalog-');
    const rt = await createRuntime(parseEnv({ DATA_DIR: dir, LOG_LEVEL: 'silent' }), {
      logger: pino({ level: 'silent' }),
      runWorker: false,
      defaultMetrics: false,
    });
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('refuses start-up on an effect type without a handler, naming it', async () => {
    expect(() => assertEffectCatalog(machine, {})).toThrow(
      /no handler for effect type\(s\): .*remindOperators/,
    );
    const dir = await freshDataDir('switchboard-catalog-');
    await expect(
      createRuntime(parseEnv({ DATA_DIR: dir, LOG_LEVEL: 'silent' }), {
        logger: pino({ level: 'silent' }),
        runWorker: false,
        defaultMetrics: false,
        effectHandlers: { remindOperators: undefined },
      }),
    ).rejects.toThrow(/no handler for effect type\(s\): remindOperators/);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('checks params against the schema', () => {
    expect(checkEffectParams('notifyOperators', { state: 's', at: 'a', reason: 'x' })).toBeNull();
    expect(checkEffectParams('notifyOperators', { state: 's' })).toMatch(/bad params for notifyOperators/);
    expect(checkEffectParams('teleport', {})).toBe('unknown effect type teleport');
  });
});
