// The handoff packet and the visitor-detail parsers, as pure functions. Risks covered: an agent getting a
// summary that is too long or missing the last messages; an angry visitor's case not marked URGENT; steps
// the visitor already tried being asked again; messages written after the handoff leaking into it (which
// would change the vendor payload between retries); phone numbers accepted that cannot be dialled.
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/content/knowledge.ts';
import type { ChatMessage } from '../../src/engine/turn.types.ts';
import { buildPacket, describePacket, SUMMARY_CHARS } from '../../src/handoff/packet.ts';
import type { ConversationContext } from '../../src/machines/conversation.context.ts';
import { parseEmail, parsePhone } from '../../src/machines/visitor-info.parse.ts';

const knowledge = loadKnowledge();
const at = '2025-03-01T10:00:10.000Z';

function context(overrides: Partial<ConversationContext> = {}): ConversationContext {
  return {
    segment: 1,
    totalMessageCount: 6,
    messageCount: 6,
    troubleshootingAttempts: 1,
    stepIndex: 1,
    escalationAttempts: 1,
    category: 'refund',
    visitor: { email: 'me@example.com' },
    sentiment: { label: 'neutral', score: 0 },
    priority: 'high',
    journeyStage: 'payment',
    triggers: ['explicit_request'],
    escalationReason: 'visitor asked for a human',
    instantChatUnavailable: false,
    assignedAgentId: null,
    inputProblem: null,
    closedReason: null,
    history: [
      { state: 'greeting', at },
      { state: 'troubleshooting', at },
      { state: 'escalation_options', at },
      { state: 'escalated', at },
    ],
    ...overrides,
  };
}

const messages: ChatMessage[] = Array.from({ length: 8 }, (_, i) => ({
  seq: i + 1,
  role: i % 2 === 0 ? 'visitor' : 'bot',
  text: `message ${i + 1} ${'x'.repeat(i === 6 ? 300 : 5)}`,
  at: `2025-03-01T10:00:0${i}.000Z`,
}));

describe('handoff packet', () => {
  const packet = buildPacket({
    handoffKey: 's1:7:0',
    sessionId: 's1',
    channel: 'instant_chat',
    ticketNumber: null,
    at,
    state: 'escalated.queued',
    context: context(),
    messages: [
      ...messages,
      { seq: 9, role: 'visitor', text: 'written after the handoff', at: '2025-03-01T10:05:00.000Z' },
    ],
    knowledge,
  });

  it('summarises the last 5 messages, each cut to 100 characters', () => {
    expect(packet.summary.map((l) => l.text.split(' ').slice(0, 2).join(' '))).toEqual([
      'message 4',
      'message 5',
      'message 6',
      'message 7',
      'message 8',
    ]);
    expect(Math.max(...packet.summary.map((l) => l.text.length))).toBe(SUMMARY_CHARS);
    expect(packet.summary[3]?.text.endsWith('…')).toBe(true);
  });

  it('carries the full transcript up to the handoff, not what came later', () => {
    expect(packet.transcript).toHaveLength(8);
    expect(packet.transcript.at(-1)?.text).toMatch(/^message 8/);
  });

  it('takes its subject from the category, the steps already tried, the state path and the facts', () => {
    expect(packet.subject).toBe('Refund Request');
    expect(packet.stepsTried).toEqual(knowledge.categories.refund.steps.slice(0, 2));
    expect(packet.statePath).toEqual([
      'greeting',
      'troubleshooting',
      'escalation_options',
      'escalated',
      'escalated.queued',
    ]);
    expect(packet).toMatchObject({
      priority: 'high',
      journeyStage: 'payment',
      category: 'refund',
      visitor: { email: 'me@example.com' },
    });
    const text = describePacket(packet);
    expect(text).toContain('Already tried:\n1. ');
    expect(text).toContain('Reference: s1:7:0');
  });

  it('prefixes URGENT: when the visitor is angry, and has no steps when no category was found', () => {
    const angry = buildPacket({
      handoffKey: 'k',
      sessionId: 's',
      channel: 'ticket',
      ticketNumber: 'TKT-2025-0001',
      at,
      state: 'ticket_created',
      context: context({ sentiment: { label: 'angry', score: -0.9 }, category: null, stepIndex: 0 }),
      messages,
      knowledge,
    });
    expect(angry.subject).toBe('URGENT: General Inquiry');
    expect(angry.stepsTried).toEqual([]);
  });
});

describe('visitor details', () => {
  it('phone numbers become E.164, and a bad one says what is wrong', () => {
    expect(parsePhone('+44 20 7946 0958')).toEqual({ ok: true, value: '+442079460958' });
    expect(parsePhone('0044 (0)20 7946 0958')).toEqual({ ok: true, value: '+442079460958' });
    expect(parsePhone('+1 (415) 555-0123')).toEqual({ ok: true, value: '+14155550123' });
    const problems = [
      '020 7946 0958',
      '+999 1234567',
      '+44 20 7946 09581234',
      '+1 555 000 0000',
      'call me maybe',
    ].map((t) => {
      const r = parsePhone(t);
      return r.ok ? 'accepted' : r.problem;
    });
    // The problem is a reply key and its facts: the renderer words it in the session's language.
    expect(problems).toEqual([
      { key: 'phone.no_country_code' },
      { key: 'phone.unknown_country' },
      { key: 'phone.length', length: 'too_long' },
      { key: 'phone.invalid' },
      { key: 'phone.no_digits' },
    ]);
  });

  it('e-mail addresses are checked and lower-cased', () => {
    expect(parseEmail(' Me@Example.COM ')).toEqual({ ok: true, value: 'me@example.com' });
    expect(parseEmail('me@example').ok).toBe(false);
  });
});
