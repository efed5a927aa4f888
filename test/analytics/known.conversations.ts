// A known set of conversations, run through the real engine with a controlled clock, over two days. The
// analytics tests assert the exact figures this set must produce. Quick-reply buttons and the seed's phrases
// keep every path deterministic.

import { webTokenAccess } from '../../src/channels/web/web.channel.ts';
import type { Classifier } from '../../src/detection/classifier.port.ts';
import type { LayerResult } from '../../src/detection/detection.types.ts';
import type { HandleResult, Inbound } from '../../src/engine/inbound.ts';
import type { Runtime } from '../../src/server/runtime.ts';

export const DAY1 = '2026-03-02';
export const DAY2 = '2026-03-03';

/** The LLM stand-in behind our own port: an undecided answer, or a failed call for "unsure". */
export const scriptedClassifier: Classifier = {
  enabled: true,
  model: 'scripted-model',
  async classify(input): Promise<LayerResult> {
    const base = { layer: 'llm' as const, decided: false, intent: null, model: 'scripted-model' };
    return /unsure/.test(input.text)
      ? { ...base, confidence: 0, reason: 'failed (timeout)', failed: true, latencyMs: 2500 }
      : { ...base, confidence: 0.2, reason: 'scripted: undecided', latencyMs: 100 };
  },
};

export interface Clock {
  now: () => Date;
  set(iso: string): void;
}

export function controlledClock(start: string): Clock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set(iso) {
      current = new Date(iso);
    },
  };
}

/** Runs the set; each step at its own time, effects drained after every step (records get that time). */
export async function runKnownConversations(runtime: Runtime, clock: Clock) {
  const { engine, worker } = runtime;
  const drain = async () => {
    while ((await worker.drainOnce()) > 0) {}
  };
  const ids: Record<string, string> = {};
  let n = 0;
  async function step(at: string, run: () => Promise<unknown>) {
    clock.set(at);
    await run();
    await drain();
  }
  async function start(name: string, at: string) {
    await step(at, async () => {
      const s = await engine.start();
      ids[name] = s.sessionId;
      tokens[name] = s.token;
    });
  }
  const tokens: Record<string, string> = {};
  const expectOk = (r: HandleResult, what: string) => {
    if (r.outcome !== 'ok') throw new Error(`${what}: ${JSON.stringify(r)}`);
    return r.response.state;
  };
  const visitor = (name: string, at: string, input: { text: string } | { button: string }) =>
    step(at, async () => {
      const inbound: Inbound = {
        kind: 'visitor',
        channel: 'web',
        clientMessageId: `m${++n}`,
        ...input,
      };
      expectOk(
        await engine.handle(ids[name] ?? '', inbound, webTokenAccess(tokens[name] ?? '')),
        `${name} ${JSON.stringify(input)}`,
      );
    });
  const operator = (name: string, at: string, command: Extract<Inbound, { kind: 'operator' }>['command']) =>
    step(at, async () => {
      const inbound: Inbound = { kind: 'operator', operatorId: 'agent-1', role: 'admin', command };
      expectOk(await engine.handle(ids[name] ?? '', inbound), `${name} ${command.action}`);
    });

  // Day 1
  // A (login): keyword "connect me to agent" → live chat; an operator answers after 5 min, resolves at 30.
  await start('A', `${DAY1}T10:00:00Z`);
  await visitor('A', `${DAY1}T10:00:10Z`, { button: 'category_login' });
  await visitor('A', `${DAY1}T10:00:20Z`, { text: 'can you connect me to agent' });
  await visitor('A', `${DAY1}T10:00:30Z`, { text: '📞 Instant Chat' });
  await visitor('A', `${DAY1}T10:01:00Z`, { text: 'hello? is anyone there?' });
  await operator('A', `${DAY1}T10:03:00Z`, { action: 'assign', agentId: 'agent-1' });
  await operator('A', `${DAY1}T10:05:30Z`, { action: 'message', text: 'Hi, I can help with that.' });
  await operator('A', `${DAY1}T10:30:30Z`, {
    action: 'resolve',
    notes: 'password reset',
    resolutionCategory: 'solved',
  });
  // B (payment): resolved by the bot.
  await start('B', `${DAY1}T11:00:00Z`);
  await visitor('B', `${DAY1}T11:00:10Z`, { button: 'category_payment' });
  await visitor('B', `${DAY1}T11:00:20Z`, { button: 'solution_worked' });
  await visitor('B', `${DAY1}T11:00:30Z`, { button: 'confirm_resolved' });
  // C (technical): leaves during troubleshooting.
  await start('C', `${DAY1}T12:00:00Z`);
  await visitor('C', `${DAY1}T12:00:10Z`, { button: 'category_technical' });
  // D: never writes.
  await start('D', `${DAY1}T13:00:00Z`);

  // Day 2
  // E (refund): "Talk to a human" button → ticket.
  await start('E', `${DAY2}T09:00:00Z`);
  await visitor('E', `${DAY2}T09:00:10Z`, { button: 'category_refund' });
  await visitor('E', `${DAY2}T09:00:20Z`, { button: 'talk_to_human' });
  await visitor('E', `${DAY2}T09:00:30Z`, { button: 'ticket' });
  await visitor('E', `${DAY2}T09:00:40Z`, { text: 'visitor@example.com' });
  await visitor('E', `${DAY2}T09:00:50Z`, { text: 'The refund for order 42 never reached my card' });
  // F (delivery): an operator escalates it by hand; nobody has answered yet.
  await start('F', `${DAY2}T10:00:00Z`);
  await visitor('F', `${DAY2}T10:00:10Z`, { button: 'category_delivery' });
  await operator('F', `${DAY2}T10:01:00Z`, { action: 'escalate', reason: 'VIP customer' });
  // G: two messages the keyword layer cannot place; the LLM is asked twice, one call fails.
  await start('G', `${DAY2}T11:00:00Z`);
  await visitor('G', `${DAY2}T11:00:10Z`, { text: 'hmm let me think about it' });
  await visitor('G', `${DAY2}T11:00:20Z`, { text: 'I am unsure' });
  return ids;
}
