// The desk event port's contract, over the real engine and storage (PGlite, and Postgres when
// DATABASE_URL is set): a fake desk emits every DeskEvent kind for a handed-off conversation. Risks
// covered: a desk event that finds no conversation, a vendor redelivery counted twice, a reply that never
// records the first response, a missed chat leaving the visitor waiting, and a ticket whose status never
// follows the desk.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskEvent, DeskEventKind } from '../../src/handoff/desk-event.port.ts';
import { escalationIntegrations, escalations, supportTickets } from '../../src/storage/schema/index.ts';
import { startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';
import { databaseUrl } from '../support/servers.ts';

const BACKENDS = databaseUrl ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

/** What a desk adapter would produce from its vendor's webhooks, for the conversation it holds. */
function fakeDesk(externalId: string) {
  let n = 0;
  const agent = { id: 'console:dana', name: 'Dana' };
  const base = () => ({ desk: 'console' as const, eventId: `ev-${externalId}-${++n}`, externalId });
  const make: { [K in DeskEventKind]: () => Extract<DeskEvent, { kind: K }> } = {
    agent_joined: () => ({ ...base(), kind: 'agent_joined', agent }),
    agent_replied: () => ({ ...base(), kind: 'agent_replied', agent, text: 'Dana here, looking now.' }),
    conversation_closed: () => ({ ...base(), kind: 'conversation_closed', agent, note: 'sorted' }),
    conversation_missed: () => ({ ...base(), kind: 'conversation_missed' }),
    ticket_status_changed: () => ({ ...base(), kind: 'ticket_status_changed', status: 'solved' }),
  };
  return make;
}

describe.each(BACKENDS)('desk events on %s', (backend) => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ backend, overrides: { effectWorker: { pollMs: 20, baseBackoffMs: 10 } } });
  }, 60_000);
  afterAll(() => rt?.close());

  async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const v = await read();
      if (ok(v)) return v;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** A visitor in the live-chat queue, and the desk's id for the conversation. */
  async function queued(): Promise<{ sessionId: string; externalId: string }> {
    const visitor = await startVisitor(rt.url);
    await visitor.send('connect me to an agent');
    await visitor.press('instant_chat');
    const db = rt.runtime.database.db;
    const [row] = await until(
      () =>
        db
          .select({ externalId: escalationIntegrations.externalId })
          .from(escalationIntegrations)
          .where(
            and(
              eq(escalationIntegrations.conversationId, visitor.sessionId),
              eq(escalationIntegrations.target, 'console'),
            ),
          ),
      (rows) => rows.length > 0 && rows[0]?.externalId != null,
      'the handoff record',
    );
    return { sessionId: visitor.sessionId, externalId: row?.externalId ?? '' };
  }

  it('joined, replied (once, however often redelivered) and closed', async () => {
    const { sessionId, externalId } = await queued();
    const desk = fakeDesk(externalId);
    const ingest = rt.runtime.handoff.ingestDeskEvent;
    const joined = await ingest(desk.agent_joined());
    if (joined.outcome !== 'ok') throw new Error(JSON.stringify(joined));
    expect(joined.response.state).toBe('escalated.assigned');
    expect(joined.response.replies.map((r) => r.text)).toContain('Dana has joined the chat.');
    const reply = desk.agent_replied();
    expect((await ingest(reply)).outcome).toBe('ok');
    expect((await ingest(reply)).outcome).toBe('duplicate');
    const operatorLines = (await rt.runtime.store.messages(sessionId)).filter((m) => m.role === 'operator');
    expect(operatorLines.map((m) => m.text)).toEqual(['Dana here, looking now.']);
    const db = rt.runtime.database.db;
    await until(
      () => db.select().from(escalations).where(eq(escalations.conversationId, sessionId)),
      (rows) => rows[0]?.firstResponseAt != null,
      'first response recorded',
    );
    const closed = await ingest(desk.conversation_closed());
    if (closed.outcome !== 'ok') throw new Error(JSON.stringify(closed));
    expect(closed.response.state).toBe('escalated.closed');
    await until(
      () => db.select().from(escalations).where(eq(escalations.conversationId, sessionId)),
      (rows) => rows[0]?.status === 'resolved',
      'escalation resolved',
    );
    const trace = await rt.runtime.store.trace(sessionId);
    expect(trace.filter((t) => t.inbound.kind === 'desk').map((t) => t.event?.type)).toEqual([
      'DESK.AGENT_JOINED',
      'DESK.AGENT_REPLIED',
      'DESK.CLOSED',
    ]);
  });

  it('missed: the visitor is offered a callback or a ticket instead', async () => {
    const { externalId } = await queued();
    const missed = await rt.runtime.handoff.ingestDeskEvent(fakeDesk(externalId).conversation_missed());
    if (missed.outcome !== 'ok') throw new Error(JSON.stringify(missed));
    expect(missed.response.state).toBe('escalation_options');
    expect(missed.response.buttons.map((b) => b.id)).toEqual(['callback', 'ticket']);
  });

  it('a solved ticket closes a live chat routed to it; an unknown conversation is said so', async () => {
    const { externalId } = await queued();
    const solved = await rt.runtime.handoff.ingestDeskEvent(fakeDesk(externalId).ticket_status_changed());
    if (solved.outcome !== 'ok') throw new Error(JSON.stringify(solved));
    expect(solved.response.state).toBe('escalated.closed');
    const unknown = await rt.runtime.handoff.ingestDeskEvent(fakeDesk('no-such-chat').agent_joined());
    expect(unknown.outcome).toBe('unknown_conversation');
  });

  it('a ticket status change reaches our support ticket', async () => {
    const visitor = await startVisitor(rt.url);
    await visitor.send('connect me to an agent');
    await visitor.press('ticket');
    await visitor.send('jane.doe@example.com');
    await visitor.send('The app crashes on start since the last update, on Android 14.');
    const db = rt.runtime.database.db;
    const [integration] = await until(
      () =>
        db
          .select({ externalId: escalationIntegrations.externalId })
          .from(escalationIntegrations)
          .where(
            and(
              eq(escalationIntegrations.conversationId, visitor.sessionId),
              eq(escalationIntegrations.target, 'ticket'),
            ),
          ),
      (rows) => rows.length > 0,
      'the ticket record',
    );
    const event: DeskEvent = {
      desk: 'ticket',
      eventId: `t-${visitor.sessionId}`,
      externalId: integration?.externalId ?? '',
      kind: 'ticket_status_changed',
      status: 'solved',
    };
    const result = await rt.runtime.handoff.ingestDeskEvent(event);
    if (result.outcome !== 'ok') throw new Error(JSON.stringify(result));
    expect(result.response.replies.map((r) => r.text).join(' ')).toMatch(/marked as solved/);
    await until(
      () => db.select().from(supportTickets).where(eq(supportTickets.sessionId, visitor.sessionId)),
      (rows) => rows[0]?.status === 'resolved',
      'ticket resolved',
    );
  });
});
