// The requester's answer after an operator replied on the ticket, through the widget and through WhatsApp,
// on the embedded database and on Postgres. Risk covered: the answer starting a new bot segment (the bot
// greeting a customer who is answering their ticket) and never reaching the ticket's thread, so the agent
// waits on a ticket stuck in awaiting_customer while the customer thinks they replied.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelInbox } from '../../src/storage/schema/index.ts';
import {
  APP_SECRET,
  type ChannelsWorld,
  PHONE_NUMBER_ID,
  settled,
  startChannelsWorld,
} from '../channels/channels.support.ts';
import { postWhatsAppWebhook, whatsAppMessageWebhook } from '../fakes/whatsapp-graph.fake.ts';
import { type LoggedIn, newOperator, openSse, waitFor } from '../operator/operator.support.ts';
import { api, startVisitor } from '../support/runtime.ts';
import { databaseUrl } from '../support/servers.ts';

const backends: Array<'pglite' | 'postgres'> = databaseUrl ? ['pglite', 'postgres'] : ['pglite'];

describe.each(backends)("the requester's answer comes back into the ticket (%s)", (backend) => {
  let w: ChannelsWorld;
  let alice: LoggedIn;
  beforeAll(async () => {
    w = await startChannelsWorld({ backend });
    alice = await newOperator(w.t.runtime, w.t.url, 'agent', 'Alice Agent');
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  const call = (method: string, path: string, body?: unknown) =>
    api(w.t.url, method, `/api/v1${path}`, body, alice.auth);

  async function ticketOf(sessionId: string) {
    return waitFor('ticket row', async () => {
      const r = await call('GET', `/tickets?q=${encodeURIComponent('@example.org')}&pageSize=100`);
      return r.body.items?.find((i: { sessionId: string }) => i.sessionId === sessionId) ?? null;
    });
  }

  /** Takes the ticket and answers it publicly; the ticket then waits on the requester. */
  async function answer(ticketId: string, text: string) {
    expect((await call('PATCH', `/tickets/${ticketId}`, { assignee: 'me' })).status).toBe(200);
    const replied = await call('POST', `/tickets/${ticketId}/replies`, { body: text });
    expect(replied.status).toBe(201);
    expect(replied.body.reply).toMatchObject({ deliveredVia: 'chat', deliveryStatus: 'sent' });
    expect(replied.body.ticket.status).toBe('awaiting_customer');
  }

  it('through the widget: lands in the thread, the ticket is worked again, operators hear of it', async () => {
    const v = await startVisitor(w.t.url);
    await v.send('the app crashes when I open it');
    await v.send('I want to talk to a human');
    await v.press('ticket');
    await v.send('jane.widget@example.org');
    expect((await v.send('It crashes at start since the update, on Android 14.')).body.state).toBe(
      'ticket_created',
    );
    const ticket = await ticketOf(v.sessionId);
    await answer(ticket.id, 'Which app version do you have?');
    const sse = await openSse(`${w.t.url}/api/v1/operator/events`, alice.auth);

    const answered = await v.send('Version 4.2, hello, on a Pixel 7');
    // Not a new bot segment: no greeting, no "what can I help with", and the bot stays silent.
    expect(answered.body.state).toBe('ticket_answered');
    expect(answered.body.owner).toBe('human');
    expect(answered.body.replies).toEqual([]);

    const thread = await waitFor('the answer on the ticket', async () => {
      const r = await call('GET', `/tickets/${ticket.id}`);
      const landed = r.body.replies.some((x: { authorType: string }) => x.authorType === 'customer');
      return landed && r.body.status !== 'awaiting_customer' ? r.body : null;
    });
    expect(thread.status).toBe('in_progress');
    // Stored as it went: the agent's reply in the chat (not by e-mail), the answer from the chat.
    expect(
      thread.replies.map((r: { authorType: string; body: string; deliveredVia: string }) => [
        r.authorType,
        r.body,
        r.deliveredVia,
      ]),
    ).toEqual([
      ['agent', 'Which app version do you have?', 'chat'],
      ['customer', 'Version 4.2, hello, on a Pixel 7', 'chat'],
    ]);
    const told = await sse.next(
      (e) => e.event === 'queue' && e.data?.payload?.kind === 'ticket_answer',
      10_000,
    );
    expect(told.data.payload).toMatchObject({ ticketNumber: ticket.ticketNumber, status: 'in_progress' });
    sse.close();

    // The agent's next reply still reaches the chat; once the ticket is resolved, the visitor is asked to rate.
    await call('POST', `/tickets/${ticket.id}/replies`, { body: 'Please reinstall 4.3 from the store.' });
    await v.send('That fixed it, thanks');
    // The answer reaches the thread from the outbox, after the turn answered: wait for it before resolving.
    await waitFor('the second answer on the ticket', async () => {
      const r = await call('GET', `/tickets/${ticket.id}`);
      const answers = r.body.replies.filter((x: { authorType: string }) => x.authorType === 'customer');
      return answers.length === 2 ? answers : null;
    });
    const resolved = await call('PATCH', `/tickets/${ticket.id}`, {
      status: 'resolved',
      resolutionNotes: 'Reinstalling 4.3 fixed the crash',
      resolutionCategory: 'solved',
    });
    expect(resolved.status).toBe(200);
    const after = await waitFor('the rating question', async () => {
      const r = await v.view();
      return r.body.state === 'ticket_solved' ? r.body : null;
    });
    expect(after.buttons.map((b: { id: string }) => b.id)).toContain('rate_5');
    const detail = await call('GET', `/tickets/${ticket.id}`);
    expect(
      detail.body.replies.filter((r: { authorType: string }) => r.authorType === 'customer'),
    ).toHaveLength(2);

    // The rating shows on the ticket and on the conversation the operator opens.
    expect((await v.press('rate_4')).status).toBe(200);
    const rated = await waitFor('the rating on the ticket', async () => {
      const r = await call('GET', `/tickets/${ticket.id}`);
      return r.body.satisfaction ?? null;
    });
    expect(rated).toMatchObject({ rating: 4, ticketId: ticket.id });
    const conversation = await call('GET', `/conversations/${v.sessionId}`);
    expect(conversation.body.satisfaction).toEqual([rated]);
  });

  it('through WhatsApp: the answer from the phone lands in the same ticket, once', async () => {
    const phone = `4477009${String(Date.now()).slice(-5)}`;
    let n = 0;
    const send = async (message: Parameters<typeof whatsAppMessageWebhook>[0]['message'], id?: string) => {
      const messageId = id ?? `wamid.answer.${phone}.${++n}`;
      const body = whatsAppMessageWebhook({
        phoneNumberId: PHONE_NUMBER_ID,
        from: phone,
        id: messageId,
        message,
      });
      expect((await postWhatsAppWebhook(w.t.url, body, { appSecret: APP_SECRET })).status).toBe(200);
      await settled(w, 'whatsapp', messageId);
      return messageId;
    };
    const first = await send({ text: 'my parcel never arrived' });
    await send({ text: 'I want to talk to a human' });
    await send({ button: { id: 'ticket', title: '🎫 Ticket' } });
    await send({ text: 'sam.whatsapp@example.org' });
    await send({ text: 'The courier says delivered but nothing came, order 4411.' });
    const [row] = await w.t.runtime.database.db
      .select()
      .from(channelInbox)
      .where(eq(channelInbox.messageId, first));
    const sessionId = row?.sessionId ?? '';
    const ticket = await ticketOf(sessionId);
    await answer(ticket.id, 'Could you send a photo of the doorstep?');
    // The agent's reply reaches the phone from the outbox, after the API answered: wait for it, so that a
    // late delivery is not taken for a bot reply to the requester's answer below (seen under load).
    await waitFor('the agent reply on WhatsApp', async () =>
      w.graph.sends.find((s) => s.to === phone && JSON.stringify(s.body).includes('photo of the doorstep')),
    );

    const before = w.graph.sends.length;
    const answerId = await send({ text: 'No photo, but my neighbour has it now' });
    // A redelivery of the same webhook (Meta retries) is the same message: still one answer on the ticket.
    await send({ text: 'No photo, but my neighbour has it now' }, answerId);
    expect(w.graph.sends.slice(before).filter((s) => s.to === phone)).toEqual([]);
    const detail = await call('GET', `/tickets/${ticket.id}`);
    expect(detail.body.status).toBe('in_progress');
    expect(
      detail.body.replies
        .filter((r: { authorType: string }) => r.authorType === 'customer')
        .map((r: { body: string }) => r.body),
    ).toEqual(['No photo, but my neighbour has it now']);
  });
});
