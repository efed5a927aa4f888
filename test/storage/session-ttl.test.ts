// The greeting-only lifetime rule. Risks covered: a real conversation cut short because the rule keys on a
// state the machine re-enters (it must be the initial state, never a target); a greeting TTL longer than
// the session TTL keeping greeting-only sessions longer than the others.
import { describe, expect, it } from 'vitest';
import { createConversationMachine } from '../../src/machines/conversation.machine.ts';
import { expiryOf, GREETING_STATE, ttlSecondsFor } from '../../src/storage/session.ttl.ts';

describe('session lifetime', () => {
  it('greeting-only sessions get the short TTL, never longer than the session TTL', () => {
    const ttl = { sessionTtlSeconds: 604_800, greetingTtlSeconds: 3600 };
    expect(ttlSecondsFor(ttl, GREETING_STATE)).toBe(3600);
    expect(ttlSecondsFor(ttl, 'issue_gathering')).toBe(604_800);
    expect(ttlSecondsFor({ sessionTtlSeconds: 600, greetingTtlSeconds: 3600 }, GREETING_STATE)).toBe(600);
    expect(ttlSecondsFor({ sessionTtlSeconds: 600 }, GREETING_STATE)).toBe(600);
    expect(expiryOf(ttl, GREETING_STATE, '2026-12-02T00:00:00.000Z').toISOString()).toBe(
      '2026-12-02T01:00:00.000Z',
    );
  });

  it('the greeting is the machine’s initial state and no transition leads back into it', () => {
    const machine = createConversationMachine();
    expect(machine.config.initial).toBe(GREETING_STATE);
    const intoGreeting: string[] = [];
    let checked = 0;
    const nodes = [machine.root];
    for (const node of nodes) nodes.push(...Object.values(node.states));
    for (const node of nodes)
      for (const transitions of node.transitions.values())
        for (const t of transitions)
          for (const target of t.target ?? []) {
            checked++;
            if (target.path[0] === GREETING_STATE) intoGreeting.push(`${node.id} → ${target.id}`);
          }
    expect(checked).toBeGreaterThan(20);
    expect(intoGreeting).toEqual([]);
  });
});
