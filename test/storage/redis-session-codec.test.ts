// The compact forms the Redis session store keeps a turn's answer in. Risks covered: a stored answer that
// comes back different from the one the turn gave (a re-sent message would get another reply than the
// first time), two clientMessageIds sharing one answer field, and an answer long enough to turn the
// session hash from a listpack into a hashtable (memory per idle session: docs/performance.md, run 11).
import { describe, expect, it } from 'vitest';
import type { ChatMessage, TurnResponse } from '../../src/engine/turn.types.ts';
import {
  answerField,
  buttonSetSchema,
  encodeResponse,
  expandResponse,
  type Interned,
  legacyAnswerField,
  parseStoredResponse,
} from '../../src/storage/redis-session.codec.ts';

const at = '2026-12-03T10:00:00.000Z';
const BUTTONS = [{ id: 'talk_to_human', label: 'Talk to a human' }];

function roundTrip(response: TurnResponse, messages: ChatMessage[]) {
  const interned: Interned = new Map();
  const stored = encodeResponse(response.sessionId, response, messages, interned);
  const { compact } = parseStoredResponse(stored);
  const lookup = (ref: string) => buttonSetSchema.parse(JSON.parse(interned.get(ref) ?? 'null'));
  return { stored, back: expandResponse(response.sessionId, compact, messages, lookup) };
}

function turn(owner: 'bot' | 'human', state: string, messages: ChatMessage[], buttons = BUTTONS) {
  const response: TurnResponse = {
    sessionId: 's1',
    seq: 7,
    state,
    owner,
    replies: messages.filter((m) => m.role !== 'visitor'),
    messages,
    buttons,
  };
  return response;
}

const visitor: ChatMessage = { seq: 12, role: 'visitor', text: 'still there?', at };
const bot: ChatMessage = { seq: 13, role: 'bot', text: 'Yes.', at, buttons: BUTTONS };

describe('a stored answer', () => {
  it('comes back exactly, in its shortest text form when the owner follows from the messages', () => {
    const botTurn = roundTrip(turn('bot', 'troubleshooting', [visitor, bot]), [visitor, bot]);
    expect(botTurn.stored).toBe('12:2:7:troubleshooting');
    expect(botTurn.back).toEqual(turn('bot', 'troubleshooting', [visitor, bot]));

    const waiting = turn('human', 'escalated.queued', [visitor], []);
    const silent = roundTrip(waiting, [visitor]);
    expect(silent.stored).toBe('12:1:7:escalated.queued');
    expect(silent.back).toEqual(waiting);
  });

  it('keeps the owner when the messages would say otherwise (a bot-owned turn without a bot message)', () => {
    const response = turn('bot', 'greeting', [visitor], []);
    const { stored, back } = roundTrip(response, [visitor]);
    expect(stored).toBe('12:1:7:bot:greeting');
    expect(back).toEqual(response);
    const human = turn('human', 'escalated.assigned', [visitor, bot]);
    expect(roundTrip(human, [visitor, bot]).back).toEqual(human);
  });

  it('falls back to JSON for buttons of its own or a state the text form cannot hold', () => {
    const own = turn('bot', 'troubleshooting', [visitor, bot], [{ id: 'other', label: 'Other' }]);
    expect(roundTrip(own, [visitor, bot]).stored.startsWith('12:2:{')).toBe(true);
    expect(roundTrip(own, [visitor, bot]).back).toEqual(own);
    const odd = turn('bot', 'odd:state', [visitor, bot]);
    expect(roundTrip(odd, [visitor, bot]).back).toEqual(odd);
    const gap = turn('bot', 'troubleshooting', [visitor, { ...bot, seq: 20 }]);
    expect(roundTrip(gap, gap.messages).stored.startsWith('0:0:{"f":')).toBe(true);
    expect(roundTrip(gap, gap.messages).back).toEqual(gap);
  });

  it('reads the JSON form sessions written before the text form keep', () => {
    const { compact } = parseStoredResponse('12:2:{"q":7,"s":"troubleshooting","o":"bot"}');
    expect(expandResponse('s1', compact, [visitor, bot], () => BUTTONS)).toEqual(
      turn('bot', 'troubleshooting', [visitor, bot]),
    );
  });

  it('is short enough for a listpack hash (Redis keeps values up to 64 bytes there)', () => {
    const response = turn('human', 'escalated.awaiting_operator_reply', [visitor], []);
    expect(roundTrip(response, [visitor]).stored.length).toBeLessThanOrEqual(64);
  });
});

describe('the field of a stored answer', () => {
  it('is 23 characters for a lowercase UUID, and distinct ids never share one', () => {
    const id = '0b9f3c3e-6a4d-4c39-9d55-1f0a2b3c4d5e';
    expect(answerField(id)).toHaveLength(23);
    expect(answerField(id)).not.toBe(answerField('0b9f3c3e-6a4d-4c39-9d55-1f0a2b3c4d5f'));
    // Base64 would fold case: an upper-case id keeps its own long field.
    expect(answerField(id.toUpperCase())).toBe(legacyAnswerField(id.toUpperCase()));
    expect(answerField('retry-1')).toBe('r:retry-1');
    expect(answerField(id).includes(':')).toBe(false);
  });
});
