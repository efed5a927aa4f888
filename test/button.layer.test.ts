// Risk covered: a quick-reply that the visitor types ("1", "option 2", "📞", "📞 Instant Chat") is missed in
// the state that offered it, or — worse — taken as a button in a state that never offered it.
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { matchButtonText } from '../src/detection/button.layer.ts';
import { offeredButtons } from '../src/machines/conversation.buttons.ts';
import { createConversationMachine } from '../src/machines/conversation.machine.ts';

const [initial] = initialTransition(createConversationMachine(), { at: '2026-01-01T00:00:00.000Z' });
const ctx = initial.context;
const options = offeredButtons('escalation_options', ctx);
const troubleshooting = offeredButtons('troubleshooting', ctx);

describe('button layer', () => {
  it.each([
    ['1', 'instant_chat'],
    ['option 2', 'callback'],
    ['#3', 'ticket'],
    ['third', 'ticket'],
    ['Instant chat', 'instant_chat'],
    ['📞', 'instant_chat'],
    ['📞 Instant Chat', 'instant_chat'],
    ['  schedule callback!  ', 'callback'],
    ['🎫', 'ticket'],
  ])('in the escalation options, %j picks %s', (text, id) => {
    const r = matchButtonText(text, options);
    expect(r.decided).toBe(true);
    expect(r.buttonId).toBe(id);
  });

  it.each(['4', 'option 9', 'instant', 'I want instant chat and a ticket', '📞📞 call'])(
    'in the escalation options, %j is not a button',
    (text) => {
      expect(matchButtonText(text, options).decided).toBe(false);
    },
  );

  it('typed numbers are not buttons where the buttons are not numbered options', () => {
    expect(matchButtonText('1', troubleshooting).decided).toBe(false);
    expect(matchButtonText('Still not working', troubleshooting).buttonId).toBe('solution_failed');
  });

  it('states that offer nothing match nothing', () => {
    const none = offeredButtons('escalated.queued', ctx);
    expect(none.buttons).toEqual([]);
    expect(matchButtonText('📞 Instant Chat', none).decided).toBe(false);
  });

  it('without live chat the options renumber and instant chat is gone', () => {
    const fallback = offeredButtons('escalation_options', { ...ctx, instantChatUnavailable: true });
    expect(matchButtonText('1', fallback).buttonId).toBe('callback');
    expect(matchButtonText('📞', fallback).decided).toBe(false);
  });
});
