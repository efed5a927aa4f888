// Satisfaction after a human resolved, over HTTP against a running server on the embedded database.
// Risks covered: the visitor never asked to rate (no CSAT at all); a rating asked of a visitor the bot
// resolved, or asked twice; a typed "4" outside the survey read as a rating; a comment lost, or a
// visitor's next question swallowed as a comment; a rating without the agent, category or channel, so
// CSAT by agent / category / channel / period cannot be reported; a ticket solved without the visitor hearing it.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { satisfactionRatings } from '../../src/storage/schema/index.ts';
import {
  escalateVisitor,
  type LoggedIn,
  newOperator,
  waitFor,
  waitForEscalation,
} from '../operator/operator.support.ts';
import { api, startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';

let t: TestRuntime;
let alice: LoggedIn;
let admin: LoggedIn;

beforeAll(async () => {
  t = await startTestRuntime();
  alice = await newOperator(t.runtime, t.url, 'agent', 'Alice');
  admin = await newOperator(t.runtime, t.url, 'admin', 'Ada');
});
afterAll(async () => {
  await t?.close();
});

const post = (path: string, body: unknown, who: LoggedIn) =>
  api(t.url, 'POST', `/api/v1${path}`, body, who.auth);
const ratingOf = (sessionId: string) =>
  waitFor(`rating of ${sessionId}`, async () => {
    const [row] = await t.runtime.database.db
      .select()
      .from(satisfactionRatings)
      .where(eq(satisfactionRatings.sessionId, sessionId));
    return row;
  });

async function resolvedByAlice() {
  const v = await startVisitor(t.url);
  await escalateVisitor(v);
  await waitForEscalation(t.url, admin.auth, v.sessionId, 'queued');
  await post(`/conversations/${v.sessionId}/assign`, { agentId: 'me' }, alice);
  const resolved = await post(
    `/conversations/${v.sessionId}/resolve`,
    { notes: 'Reset it', resolutionCategory: 'account_fixed' },
    alice,
  );
  expect(resolved.body.state).toBe('escalated.closed');
  return { v, resolved };
}

describe('satisfaction', () => {
  it('asks after a human resolved; a rating and a comment are stored with agent, category and channel', async () => {
    const { v, resolved } = await resolvedByAlice();
    const ask = resolved.body.replies.at(-1);
    expect(ask.text).toMatch(/rate this conversation from 1/);
    expect(ask.buttons.map((b: { id: string }) => b.id)).toEqual([
      'rate_1',
      'rate_2',
      'rate_3',
      'rate_4',
      'rate_5',
    ]);

    const rated = await v.press('rate_4');
    expect(rated.status).toBe(200);
    expect(rated.body.replies[0].text).toMatch(/Thank you for rating/);
    expect(rated.body.buttons).toEqual([]);
    // Asked once: the buttons are gone.
    expect((await v.press('rate_5')).status).toBe(409);

    const comment = await v.send('Alice was quick and kind');
    expect(comment.body.replies[0].text).toMatch(/passed that on/);
    const row = await waitFor('comment', async () => {
      const r = await ratingOf(v.sessionId);
      return r.comment ? r : null;
    });
    expect(row).toMatchObject({
      rating: 4,
      comment: 'Alice was quick and kind',
      agentId: alice.id,
      category: 'login',
      channel: 'web',
      segment: 1,
    });
    // After the comment the next message is a new question for the bot, not a second comment.
    const next = await v.send('I have another question about my delivery');
    expect(next.body.state).not.toBe('escalated.closed');
  });

  it('a typed number rates while the survey is open, and is ordinary text elsewhere', async () => {
    const { v } = await resolvedByAlice();
    const rated = await v.send('5');
    expect(rated.body.replies[0].text).toMatch(/Thank you for rating/);
    expect((await ratingOf(v.sessionId)).rating).toBe(5);

    const bot = await startVisitor(t.url);
    const typed = await bot.send('4');
    expect(typed.body.state).not.toMatch(/closed/);
    const [none] = await t.runtime.database.db
      .select()
      .from(satisfactionRatings)
      .where(eq(satisfactionRatings.sessionId, bot.sessionId));
    expect(none).toBeUndefined();
  });

  it('a question instead of a rating starts a new bot segment and is not taken as a comment', async () => {
    const { v } = await resolvedByAlice();
    const q = await v.send('how do I change my address?');
    expect(q.body.state).not.toBe('escalated.closed');
    expect(q.body.replies[0].text).not.toMatch(/passed that on/);
  });

  it('CSAT by agent, category, channel and period for admins', async () => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();
    const r = await api(
      t.url,
      'GET',
      `/api/v1/analytics/csat?from=${from}&to=${to}&bucket=day`,
      undefined,
      admin.auth,
    );
    expect(r.status).toBe(200);
    const mine = r.body.byAgent.find((row: { key: string }) => row.key === alice.id);
    expect(mine).toMatchObject({ ratings: 2, average: 4.5, csat: 1 });
    expect(r.body.byChannel).toEqual([expect.objectContaining({ key: 'web', ratings: 2 })]);
    expect(r.body.byCategory).toEqual([expect.objectContaining({ key: 'login', ratings: 2 })]);
    expect(r.body.byBucket).toHaveLength(1);
    expect((await api(t.url, 'GET', '/api/v1/analytics/csat', undefined, alice.auth)).status).toBe(403);
  });
});

// Risk covered: a ticket resolved in the console while the requester waits in the chat: they never hear
// it, and are never asked how it went.
describe('a ticket resolved through the ticket API', () => {
  it('tells the visitor in their conversation and asks for a rating', async () => {
    const v = await startVisitor(t.url);
    await v.send('the app crashes when I open it');
    await v.send('I want to talk to a human');
    await v.press('ticket');
    await v.send('jane@example.org');
    const done = await v.send('It crashes at start since the update, on Android 14.');
    const number = /TKT-\d{4}-\d{4}/.exec(done.body.replies[0].text)?.[0];
    await waitFor('ticket', async () => {
      const r = await api(t.url, 'GET', `/api/v1/tickets/${number}`, undefined, alice.auth);
      return r.status === 200 ? r.body : null;
    });
    await api(t.url, 'PATCH', `/api/v1/tickets/${number}`, { assignee: 'me' }, alice.auth);
    const resolved = await api(
      t.url,
      'PATCH',
      `/api/v1/tickets/${number}`,
      { status: 'resolved', resolutionNotes: 'Fixed in 2.3.1', resolutionCategory: 'solved' },
      alice.auth,
    );
    expect(resolved.status).toBe(200);
    const view = await waitFor('solved notice', async () => {
      const r = await v.view();
      return r.body.messages.some((m: { text: string }) => /marked as solved/.test(m.text)) ? r.body : null;
    });
    expect(view.buttons.map((b: { id: string }) => b.id)).toContain('rate_5');
    await v.press('rate_5');
    expect((await ratingOf(v.sessionId)).ticketId).toBe(resolved.body.id);
  });
});
