// The desk webhooks' verification and mapping as pure functions. Risks covered: a signature check that
// accepts a tampered body, another key, a stale timestamp or a secret of another length; a vendor payload
// mapped to the wrong case, the wrong event id (so a redelivery is applied twice) or to an agent message it is
// not (internal notes, the requester's own comments, our bot's posts, edits).
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseFreshdeskWebhook } from '../../src/handoff/freshdesk/freshdesk.events.ts';
import { verifyFreshdeskSecret } from '../../src/handoff/freshdesk/freshdesk.signature.ts';
import { parseSalesIqWebhook } from '../../src/handoff/salesiq/salesiq.events.ts';
import { verifySalesIqSignature } from '../../src/handoff/salesiq/salesiq.signature.ts';
import { parseSlackEvent } from '../../src/handoff/slack/slack.events.ts';
import { parseZendeskWebhook } from '../../src/handoff/zendesk/zendesk.events.ts';
import { verifyZendeskSignature, zendeskSignature } from '../../src/handoff/zendesk/zendesk.signature.ts';
import { salesIqEntity } from '../fakes/salesiq.fake.ts';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('SalesIQ', () => {
  const body = Buffer.from(JSON.stringify({ event: 'conversation.completed', entity_id: '42' }));
  const signature = sign('sha256', body, keys.privateKey).toString('base64');

  it('accepts its own signature and refuses a tampered body, another key or none', () => {
    expect(verifySalesIqSignature({ publicKey: keys.publicKey, signature, rawBody: body })).toEqual({
      ok: true,
    });
    const tampered = Buffer.from(body.toString().replace('42', '43'));
    expect(verifySalesIqSignature({ publicKey: keys.publicKey, signature, rawBody: tampered }).ok).toBe(
      false,
    );
    expect(verifySalesIqSignature({ publicKey: other.publicKey, signature, rawBody: body }).ok).toBe(false);
    expect(
      verifySalesIqSignature({ publicKey: keys.publicKey, signature: undefined, rawBody: body }),
    ).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/missing x-siqsignature/),
    });
  });

  it('maps each event to the conversation, with an event id that a retry (attempt 2) repeats', () => {
    const envelope = (event: string, attempt: number, entity: unknown) => ({
      entity_type: 'conversation',
      event,
      entity_id: 'c-1',
      attempt,
      entity,
    });
    const entity = salesIqEntity('conversation.operator.replied', 'c-1', 'Hello');
    const a = parseSalesIqWebhook(envelope('conversation.operator.replied', 1, entity));
    const b = parseSalesIqWebhook(envelope('conversation.operator.replied', 2, entity));
    expect(a).toEqual(b);
    expect(a).toMatchObject({
      kind: 'events',
      events: [{ kind: 'agent_replied', externalId: 'c-1', text: 'Hello', agent: { name: 'Maria' } }],
    });
    expect(
      parseSalesIqWebhook(envelope('conversation.missed', 1, salesIqEntity('conversation.missed', 'c-1'))),
    ).toMatchObject({
      events: [{ kind: 'conversation_missed', externalId: 'c-1' }],
    });
    expect(parseSalesIqWebhook(envelope('conversation.rated', 1, {}))).toMatchObject({ kind: 'ignored' });
    expect(parseSalesIqWebhook({ hello: 1 })).toMatchObject({ kind: 'invalid' });
  });
});

describe('Zendesk', () => {
  const raw = Buffer.from('{"type":"zen:event-type:ticket.status_changed"}');
  const now = Date.parse('2026-12-02T01:00:00Z') / 1000;
  const timestamp = '2026-12-02T00:58:00Z';

  it('checks the HMAC over timestamp + body and a five-minute window', () => {
    const signature = zendeskSignature('s3cret', timestamp, raw);
    const base = { secret: 's3cret', timestamp, signature, rawBody: raw, nowSeconds: now };
    expect(verifyZendeskSignature(base)).toEqual({ ok: true });
    expect(verifyZendeskSignature({ ...base, secret: 'other' }).ok).toBe(false);
    expect(verifyZendeskSignature({ ...base, nowSeconds: now + 301 }).ok).toBe(false);
    expect(verifyZendeskSignature({ ...base, timestamp: '2026-12-02T00:58:01Z' }).ok).toBe(false);
    expect(verifyZendeskSignature({ ...base, signature: undefined }).ok).toBe(false);
  });

  it('takes public staff comments and status changes, not notes or the requester’s own words', () => {
    const comment = (isPublic: boolean, staff: boolean) => ({
      type: 'zen:event-type:ticket.comment_added',
      id: 'evt-1',
      detail: { id: '5158' },
      event: {
        comment: { id: 99, body: 'Hi', is_public: isPublic, author: { id: 7, is_staff: staff, name: 'Sam' } },
      },
    });
    expect(parseZendeskWebhook(comment(true, true))).toMatchObject({
      events: [
        { kind: 'agent_replied', externalId: '5158', eventId: 'comment:99', agent: { id: 'zendesk:7' } },
      ],
    });
    expect(parseZendeskWebhook(comment(false, true))).toMatchObject({ kind: 'ignored' });
    expect(parseZendeskWebhook(comment(true, false))).toMatchObject({ kind: 'ignored' });
    expect(
      parseZendeskWebhook({
        type: 'zen:event-type:ticket.status_changed',
        id: 'evt-2',
        detail: { id: 5158 },
        event: { current: 'SOLVED', previous: 'OPEN' },
      }),
    ).toMatchObject({ events: [{ kind: 'ticket_status_changed', status: 'solved', externalId: '5158' }] });
  });

  it('reads the README trigger body too (placeholders filled in as strings)', () => {
    const parsed = parseZendeskWebhook({
      switchboard: 'zendesk-trigger',
      ticket_id: '12',
      status: 'Solved',
      updated_at: 'December 2, 2026 01:00',
      comment: {
        id: '300',
        body: 'Done!',
        public: 'true',
        author_id: '7',
        author_name: 'Sam',
        author_role: 'Agent',
      },
    });
    expect(parsed).toMatchObject({
      events: [
        { kind: 'agent_replied', eventId: 'comment:300', text: 'Done!' },
        { kind: 'ticket_status_changed', status: 'solved' },
      ],
    });
  });
});

describe('Freshdesk', () => {
  it('compares the shared secret in constant time and names the header when it is missing', () => {
    expect(verifyFreshdeskSecret({ secret: 'abcdefghijklmnop', given: 'abcdefghijklmnop' })).toEqual({
      ok: true,
    });
    expect(verifyFreshdeskSecret({ secret: 'abcdefghijklmnop', given: 'abcdefghijklmnoq' }).ok).toBe(false);
    expect(verifyFreshdeskSecret({ secret: 'abcdefghijklmnop', given: 'short' }).ok).toBe(false);
    expect(verifyFreshdeskSecret({ secret: 'abcdefghijklmnop', given: undefined })).toMatchObject({
      reason: expect.stringMatching(/x-switchboard-secret/),
    });
  });

  it('maps status numbers and names; the same delivery gives the same event id', () => {
    for (const [raw, status] of [
      [4, 'solved'],
      ['Resolved', 'solved'],
      ['5', 'closed'],
      ['Pending', 'pending'],
      [2, 'open'],
    ] as const) {
      expect(parseFreshdeskWebhook({ event: 'status_changed', ticket_id: 7, status: raw })).toMatchObject({
        events: [{ kind: 'ticket_status_changed', status, externalId: '7' }],
      });
    }
    const body = {
      event: 'agent_replied',
      ticket_id: '7',
      latest_public_comment: 'Hello',
      agent_name: 'Priya',
      updated_at: 'x',
    };
    expect(parseFreshdeskWebhook(body)).toEqual(parseFreshdeskWebhook({ ...body }));
    expect(parseFreshdeskWebhook(body)).toMatchObject({
      events: [{ kind: 'agent_replied', agent: { name: 'Priya' } }],
    });
    expect(parseFreshdeskWebhook({ ...body, latest_public_comment: '' })).toMatchObject({ kind: 'ignored' });
  });
});

describe('Slack', () => {
  const message = (event: Record<string, unknown>) => ({
    type: 'event_callback',
    event_id: 'Ev1',
    event: {
      type: 'message',
      channel: 'C1',
      user: 'U1',
      text: 'a &lt;b&gt; &amp; c',
      ts: '2.0',
      thread_ts: '1.0',
      ...event,
    },
  });

  it('a human reply in a thread is the case’s agent message; bots, edits and top-level messages are not', () => {
    expect(parseSlackEvent(message({}))).toMatchObject({
      events: [
        {
          kind: 'agent_replied',
          externalId: 'C1:1.0',
          eventId: 'Ev1',
          text: 'a <b> & c',
          agent: { id: 'slack:U1' },
        },
      ],
    });
    expect(parseSlackEvent(message({ bot_id: 'B1' }))).toMatchObject({ kind: 'ignored' });
    expect(parseSlackEvent(message({ subtype: 'message_changed' }))).toMatchObject({ kind: 'ignored' });
    expect(parseSlackEvent(message({ thread_ts: undefined }))).toMatchObject({ kind: 'ignored' });
    expect(parseSlackEvent(message({ thread_ts: '2.0' }))).toMatchObject({ kind: 'ignored' });
    expect(parseSlackEvent({ type: 'url_verification', challenge: 'c' })).toEqual({
      kind: 'reply',
      status: 200,
      body: { challenge: 'c' },
    });
  });
});
