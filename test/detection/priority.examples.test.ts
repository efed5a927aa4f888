// Priorities as the source documents give them, through real turns on the embedded default (no LLM):
// a confused visitor → medium; a polite refund for a damaged item → high; anger or an ultimatum → urgent;
// a payment dispute → high. Risk covered: any slightly negative score on a payment topic made the case
// urgent ("my payment failed twice", −0.2), so the urgent queue filled with cases that were not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { parseEnv } from '../../src/config/env.ts';
import { responsePromise } from '../../src/config/response-time.ts';
import { loadKnowledge } from '../../src/content/knowledge.ts';
import { renderReply } from '../../src/engine/reply.render.ts';
import { createConversationMachine } from '../../src/machines/conversation.machine.ts';
import { startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';

let t: TestRuntime;
beforeAll(async () => {
  t = await startTestRuntime();
});
afterAll(async () => {
  await t?.close();
});

async function priorityAfter(...messages: string[]) {
  const v = await startVisitor(t.url);
  for (const m of messages) await v.send(m);
  const view = await v.view();
  return view.body.priority as string;
}

describe('priority by the source documents', () => {
  it('a confused visitor is medium', async () => {
    expect(
      await priorityAfter(
        "I don't understand how to track my delivery, what do you mean by tracking number??",
      ),
    ).toBe('medium');
  });
  it('a polite refund for a damaged item is high', async () => {
    expect(
      await priorityAfter('Hello, the lamp I bought is damaged. Could I get a refund please? Thank you'),
    ).toBe('high');
  });
  it('a payment that failed twice is a dispute: high, not urgent', async () => {
    expect(await priorityAfter('my payment failed twice')).toBe('high');
  });
  it('anger is urgent', async () => {
    expect(
      await priorityAfter('This is ridiculous, my refund still has not arrived after three weeks!!'),
    ).toBe('urgent');
  });
  it('an ultimatum is urgent', async () => {
    expect(
      await priorityAfter('My order is late again. Sort it out by tomorrow or I will cancel my account.'),
    ).toBe('urgent');
  });
});

// Risk covered: the visitor was promised "within 15 minutes" while the console's urgent countdown was one
// minute. Both now read FIRST_RESPONSE_SLA.
describe('one setting for the promise and the countdown', () => {
  it('the ticket reply promises what the SLA setting says', () => {
    const config = parseEnv({ FIRST_RESPONSE_SLA: 'urgent=120,high=7200,medium=14400,low=172800' });
    const knowledge = loadKnowledge(config.content.knowledgeFile, config.operators.firstResponseSla);
    const [snapshot] = initialTransition(createConversationMachine(), { at: '2026-01-01T00:00:00.000Z' });
    const ctx = { ...snapshot.context, priority: 'urgent' as const };
    expect(renderReply('ticket.created', ctx, knowledge)).toContain('within 2 minutes (urgent priority)');
    expect(renderReply('ticket.created', { ...ctx, priority: 'low' }, knowledge)).toContain(
      'within 2 business days',
    );
  });
  // The WhatsApp source document's estimated_response_time: "15 minutes" urgent, "1 hour" otherwise.
  it('the defaults are 15 minutes for urgent and 1 hour for every other priority', () => {
    const sla = parseEnv({}).operators.firstResponseSla;
    expect([sla.urgent, sla.high, sla.medium, sla.low].map(responsePromise)).toEqual([
      'within 15 minutes',
      'within 1 hour',
      'within 1 hour',
      'within 1 hour',
    ]);
  });
});
