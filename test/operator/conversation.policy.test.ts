// The two rules issue 16 added to the one policy. Risks covered: the bot switch (an escalation) putting a
// visitor of an ended conversation back in the live queue, and an agent closing a waiting chat unseen.
import { describe, expect, it } from 'vitest';
import { operatorMay } from '../../src/engine/conversation.policy.ts';

const agent = { operatorId: 'a1', role: 'agent' as const };
const admin = { operatorId: 'ad', role: 'admin' as const };
const escalate = { action: 'escalate' as const, reason: 'bot off' };
const resolve = { action: 'resolve' as const, notes: 'n', resolutionCategory: 'solved' };

describe('conversation policy (issue 16 rules)', () => {
  it('nobody escalates a conversation that has ended; anyone may while the bot still talks', () => {
    for (const state of ['resolved', 'escalated.closed', 'ticket_created', 'callback_scheduled'])
      for (const actor of [agent, admin])
        expect(operatorMay(actor, escalate, { state, assignedAgentId: null })).toMatchObject({
          allowed: false,
          message: expect.stringMatching(/ended/),
        });
    expect(operatorMay(agent, escalate, { state: 'troubleshooting', assignedAgentId: null }).allowed).toBe(
      true,
    );
  });

  it('an agent resolves a waiting chat only once it is theirs; an admin may', () => {
    const waiting = { state: 'escalated.queued', assignedAgentId: null };
    expect(operatorMay(agent, resolve, waiting)).toMatchObject({ allowed: false, message: /take/ });
    expect(operatorMay(admin, resolve, waiting).allowed).toBe(true);
    expect(operatorMay(agent, resolve, { state: 'escalated.assigned', assignedAgentId: 'a1' }).allowed).toBe(
      true,
    );
  });
});
