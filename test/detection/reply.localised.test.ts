// What the machine writes itself, in the session's language: input problems (a parser's key and facts)
// and quick-reply labels (content `button.<id>`). Risks covered: the English wording changing when the
// problems became keys (visitors and golden traces read it); an English label in content drifting from the
// machine's label that typed text is matched against; a snapshot from before the keys (English text) no
// longer rendering.
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { localButtons } from '../../src/content/button.labels.ts';
import { loadKnowledge } from '../../src/content/knowledge.ts';
import { renderReply } from '../../src/engine/reply.render.ts';
import { offeredButtons } from '../../src/machines/conversation.buttons.ts';
import type { ConversationContext } from '../../src/machines/conversation.context.ts';
import { createConversationMachine } from '../../src/machines/conversation.machine.ts';
import {
  parseCallbackWindow,
  parseDescription,
  parseEmail,
  parsePhone,
} from '../../src/machines/visitor-info.parse.ts';

const knowledge = loadKnowledge();
const [snapshot] = initialTransition(createConversationMachine(), { at: '2026-01-01T00:00:00.000Z' });
const base: ConversationContext = snapshot.context;
const problemOf = (r: ReturnType<typeof parsePhone>) => (r.ok ? null : r.problem);
const say = (key: string, inputProblem: ConversationContext['inputProblem'], language?: string) =>
  renderReply(key, { ...base, inputProblem, ...(language ? { language } : {}) }, knowledge);

describe('input problems', () => {
  it('read in English exactly as they did when the parsers wrote the text', () => {
    const cases: Array<[string, ConversationContext['inputProblem'], string]> = [
      [
        'callback.after_phone',
        problemOf(parsePhone('call me maybe')),
        'Sorry, that does not look like a phone number: please type the digits, starting with + and the country code (for example +44 20 7946 0958). Which number should we call?',
      ],
      [
        'callback.after_phone',
        problemOf(parsePhone('020 7946 0958')),
        'Sorry, please include the country code, starting with + (for example +44 20 7946 0958). Which number should we call?',
      ],
      [
        'callback.after_phone',
        problemOf(parsePhone('+999 1234567')),
        'Sorry, the digits after the + are not a country code I know (for example +44 20 7946 0958). Which number should we call?',
      ],
      [
        'callback.after_phone',
        problemOf(parsePhone('+44 20 7946 09581234')),
        'Sorry, that number is too long: please check the digits. Which number should we call?',
      ],
      [
        'callback.after_phone',
        problemOf(parsePhone('+34 612')),
        'Sorry, that number is too short for Spain: please check the digits. Which number should we call?',
      ],
      [
        'callback.after_phone',
        problemOf(parsePhone('+34 999 999 999')),
        'Sorry, that is not a valid Spain number: please check the digits. Which number should we call?',
      ],
      [
        'callback.after_phone',
        problemOf(parsePhone('+1 555 000 0000')),
        'Sorry, that is not a valid number: please check the digits. Which number should we call?',
      ],
      [
        'ticket.after_email',
        problemOf(parseEmail('me@')),
        'Sorry, that does not look like an e-mail address (like name@example.com). Which e-mail address should we use?',
      ],
      [
        'callback.invalid_window',
        problemOf(parseCallbackWindow('x')),
        'Sorry, please tell me a time window, for example "tomorrow 9-11am". When should we call?',
      ],
      [
        'ticket.invalid_description',
        problemOf(parseDescription('broken')),
        'Sorry, please describe the problem in a sentence or two (at least 10 characters). What is the problem?',
      ],
    ];
    for (const [key, problem, text] of cases) expect(say(key, problem)).toBe(text);
  });

  it("in Spanish, with the country named in Spanish; an old snapshot's English text is shown as it is", () => {
    expect(say('callback.after_phone', problemOf(parsePhone('+34 612')), 'es')).toBe(
      'Perdona, ese número es demasiado corto para España: revisa los dígitos. ¿A qué número te llamamos?',
    );
    expect(say('callback.invalid_window', 'please tell me a time window')).toBe(
      'Sorry, please tell me a time window. When should we call?',
    );
  });
});

describe('button labels', () => {
  const contexts: Array<[string, Partial<ConversationContext>]> = [
    ['greeting', {}],
    ['troubleshooting', {}],
    ['awaiting_confirmation', {}],
    ['escalation_options', {}],
    ['callback_collection', {}],
    ['escalated.closed', { satisfaction: 'offered' }],
  ];
  it("English content labels are the machine's own; every label has a Spanish one", () => {
    for (const [state, extra] of contexts) {
      const buttons = offeredButtons(state, { ...base, ...extra }).buttons;
      expect(buttons.length, state).toBeGreaterThan(0);
      expect(localButtons(buttons, knowledge).map((b) => b.label)).toEqual(buttons.map((b) => b.label));
      const spanish = localButtons(buttons, knowledge, 'es').map((b) => b.label);
      for (const [i, label] of spanish.entries())
        expect(label, `${state} ${buttons[i]?.id}`).not.toBe(buttons[i]?.label);
    }
  });
});
