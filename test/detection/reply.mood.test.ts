// Mood-dependent wording of the bot's replies. Risks covered: an angry visitor asked to choose before
// hearing an apology and when a person will answer; a confused visitor given the same dense wording.
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { loadKnowledge } from '../../src/content/knowledge.ts';
import { renderReply } from '../../src/engine/reply.render.ts';
import type { ConversationContext } from '../../src/machines/conversation.context.ts';
import { createConversationMachine } from '../../src/machines/conversation.machine.ts';

const knowledge = loadKnowledge();
const [snapshot] = initialTransition(createConversationMachine(), { at: '2026-01-01T00:00:00.000Z' });
const base: ConversationContext = { ...snapshot.context, category: 'delivery' };
const angry: ConversationContext = {
  ...base,
  sentiment: { label: 'angry', score: -0.9 },
  priority: 'urgent',
};
const confused: ConversationContext = { ...base, sentiment: { label: 'confused', score: -0.1 } };

describe('replies that fit the mood', () => {
  it('angry: apology and expected response time come before the options', () => {
    const text = renderReply('escalation_options.offer', angry, knowledge);
    expect(text).toMatch(/^I'm really sorry/);
    const when = text.indexOf('within 15 minutes');
    expect(when).toBeGreaterThan(0);
    expect(when).toBeLessThan(text.indexOf('How would you like to continue'));
    expect(renderReply('escalation_options.offer', { ...angry, priority: 'high' }, knowledge)).toMatch(
      /within 1 hour/,
    );
  });

  it('angry: troubleshooting replies apologise and offer a person', () => {
    expect(renderReply('troubleshooting.step', angry, knowledge)).toMatch(/^I'm sorry.*Step 1 of 3.*person/);
    expect(renderReply('troubleshooting.did_it_work', angry, knowledge)).toMatch(/^I'm sorry.*agent/);
  });

  it('confused: plainer words and numbered choices', () => {
    expect(renderReply('escalation_options.offer', confused, knowledge)).toMatch(
      /1 = chat.*2 = we phone.*3 = /,
    );
    expect(renderReply('escalation_options.choose', confused, knowledge)).toMatch(/^Just type 1/);
    expect(renderReply('issue_gathering.clarify', confused, knowledge)).toMatch(/in your own words/);
    expect(renderReply('awaiting_confirmation.ask', confused, knowledge)).toMatch(/yes or no/);
    expect(renderReply('troubleshooting.step', confused, knowledge)).toMatch(/Take your time/);
  });

  it('neutral: no apology, no simplification', () => {
    const offer = renderReply('escalation_options.offer', base, knowledge);
    expect(offer).toMatch(/^How would you like to continue/);
    expect(renderReply('troubleshooting.step', base, knowledge)).not.toMatch(/sorry|Take your time/);
  });
});
