// Customer memory end to end, on PGlite and on the real Postgres: conversations on WhatsApp and on the web
// are linked to one contact by phone; one identity proving two contacts are one person merges them, and an
// admin's undo splits them for good; every handover is a qualified lead (+25) with activities; a VIP's
// priority is raised by the customer rules and the trace carries what replay needs; the handover
// document's queries run verbatim; export and erase. Risks covered: a returning customer seen as a
// stranger on another channel; a merge that cannot be taken back; a redelivered effect counting a lead
// twice; a priority that replay cannot reproduce without the database; erasure that leaves messages or
// identities behind (or takes the aggregates with it); CSV errors that do not say where.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redetector } from '../../src/cli/qa.context.ts';
import { parseEnv } from '../../src/config/env.ts';
import { RECORD_CONTACT } from '../../src/contacts/contact.effect.ts';
import { loadKnowledge } from '../../src/content/knowledge.ts';
import { buildMachine } from '../../src/engine/behaviour.build.ts';
import { replayTrace } from '../../src/engine/replay.ts';
import { parseTrace, serializeTrace } from '../../src/engine/trace.format.ts';
import {
  HANDOVER_ACTIVITIES_LAST_24_HOURS,
  MOST_COMMON_HANDOVER_TRIGGERS,
} from '../../src/storage/analytics/handover-crm.sql.ts';
import { rowsOf } from '../../src/storage/pg-effect.log.ts';
import { databaseUrl } from '../support/servers.ts';
import {
  as,
  type ContactsWorld,
  callbackHandover,
  capture,
  drained,
  newPhone,
  startContactsWorld,
  webVisitor,
  whatsApp,
} from './contacts.support.ts';

const backends: Array<['pglite' | 'postgres']> = [
  ['pglite'],
  ...(databaseUrl ? [['postgres'] as ['postgres']] : []),
];

describe.each(backends)('customer memory on %s', (backend) => {
  let world: ContactsWorld;
  let admin: ReturnType<typeof as>;
  let agent: ReturnType<typeof as>;
  const db = () => world.w.t.runtime.database.db;
  const run = async (query: string) =>
    rowsOf(await db().execute(sql.raw(query))).map((r) =>
      Object.fromEntries(
        Object.entries(r as Record<string, unknown>).map(([k, v]) => [
          k,
          v instanceof Date || (typeof v === 'string' && /^\d{4}-\d\d-\d\d[ T]\d/.test(v))
            ? 'timestamp'
            : typeof v === 'string' && /^\d+$/.test(v)
              ? Number(v)
              : v,
        ]),
      ),
    );
  const contactByPhone = async (phone: string) => {
    const found = await agent('GET', `/contacts?q=${encodeURIComponent(phone)}`);
    expect(found.status).toBe(200);
    return found.body.items as Array<{ id: string; identities: Array<{ kind: string; value: string }> }>;
  };

  // Shared by the tests below, in order: each builds on what the earlier ones left.
  const whatsappPhone = newPhone();
  const agedPhone = newPhone();
  const webPhone = newPhone();

  beforeAll(async () => {
    world = await startContactsWorld(backend);
    admin = as(world, world.admin);
    agent = as(world, world.agent);
  });
  afterAll(async () => {
    await world?.close();
  });

  it("runs the handover document's two queries verbatim over known handovers", async () => {
    await whatsApp(world, whatsappPhone, 'I want to talk to a human');
    await whatsApp(world, whatsappPhone, 'instant chat');
    const aged = await webVisitor(world, { name: 'Bruno Aged' });
    await callbackHandover(world, aged, 'I want a human', agedPhone);
    const web = await webVisitor(world, { name: 'Carla Web' });
    await callbackHandover(world, web, 'I want to talk to a human', webPhone);
    // One handover from two days ago: outside "the last 24 hours", still among the triggers.
    await db().execute(
      sql`update activities set created_at = created_at - interval '2 days' where conversation_id = ${aged.sessionId}`,
    );

    const triggers = await run(MOST_COMMON_HANDOVER_TRIGGERS);
    expect(triggers).toEqual([
      { handover_trigger: 'I want to talk to a human', handover_count: 2 },
      { handover_trigger: 'I want a human', handover_count: 1 },
    ]);
    const recent = await run(HANDOVER_ACTIVITIES_LAST_24_HOURS);
    expect(recent).toEqual([
      {
        title: 'Handover requested: callback',
        description: 'I want to talk to a human',
        priority: 'medium',
        channel: 'web',
        contact_name: 'Carla Web',
        phone: webPhone,
        created_at: 'timestamp',
      },
      {
        title: 'Handover requested: live chat',
        description: 'I want to talk to a human',
        priority: 'medium',
        channel: 'whatsapp',
        contact_name: 'Sheena Nelson',
        phone: whatsappPhone,
        created_at: 'timestamp',
      },
    ]);
    capture(`${backend}-sql`, {
      [MOST_COMMON_HANDOVER_TRIGGERS]: triggers,
      [HANDOVER_ACTIVITIES_LAST_24_HOURS]: recent,
    });
  });

  it('links a web visitor who gives the phone of a WhatsApp customer to that contact, with a lead per handover', async () => {
    const v = await webVisitor(world);
    // Written as people write it: spaces, no E.164.
    await callbackHandover(
      world,
      v,
      'I want to talk to a human',
      `${whatsappPhone.slice(0, 3)} ${whatsappPhone.slice(3, 6)} ${whatsappPhone.slice(6)}`,
    );
    const found = await contactByPhone(whatsappPhone);
    expect(found).toHaveLength(1);
    const id = found[0]?.id as string;
    const history = await agent('GET', `/contacts/${id}`);
    expect(history.status).toBe(200);
    const h = history.body;
    expect(h.contact).toMatchObject({
      name: 'Sheena Nelson',
      phone: whatsappPhone,
      leadScore: 50,
      tier: 'standard',
    });
    expect(h.contact.identities).toEqual(
      expect.arrayContaining([
        { kind: 'whatsapp', value: whatsappPhone },
        { kind: 'phone', value: whatsappPhone },
      ]),
    );
    expect(h.conversations.map((c: { channel: string }) => c.channel).sort()).toEqual(['web', 'whatsapp']);
    expect(h.conversations.every((c: { handoverRequested: boolean }) => c.handoverRequested)).toBe(true);
    expect(h.leads).toHaveLength(2);
    expect(h.leads[0]).toMatchObject({
      status: 'qualified',
      handoverRequested: true,
      handoverTrigger: 'I want to talk to a human',
      handoverOption: 'callback',
      source: 'web',
      conversationId: v.sessionId,
    });
    expect(h.leads[1]).toMatchObject({ handoverOption: 'instant_chat', source: 'whatsapp' });
    expect(h.callbacks).toHaveLength(1);
    expect(h.activities.map((a: { type: string }) => a.type).sort()).toEqual([
      'callback',
      'support_request',
      'support_request',
    ]);
    // The conversation record keeps the handover.
    const [conversation] = rowsOf(
      await db().execute(
        sql`select handover_requested, handover_timestamp is not null as stamped, handover_reason from conversations where session_id = ${v.sessionId}`,
      ),
    ) as Array<Record<string, unknown>>;
    expect(conversation).toMatchObject({ handover_requested: true, stamped: true });
    expect(String(conversation?.handover_reason)).not.toBe('');
    capture(`${backend}-contact-history`, h);
  });

  it('records a redelivered recordContact effect once: one lead, one +25', async () => {
    const [{ id }] = (await contactByPhone(whatsappPhone)) as unknown as [{ id: string }];
    const v = await webVisitor(world);
    await v.send('hello');
    await drained(world);
    const handler = world.w.t.runtime.contacts.handlers[RECORD_CONTACT];
    if (!handler) throw new Error('no recordContact handler');
    const effect = {
      id: 'redelivered',
      idempotencyKey: `${v.sessionId}:7:0`,
      sessionId: v.sessionId,
      seq: 7,
      type: RECORD_CONTACT,
      attempts: 1,
      params: {
        visitor: { phone: whatsappPhone },
        steps: [{ kind: 'handover', option: 'ticket', priority: 'high', reason: 'test', category: null }],
        state: 'ticket_created',
        at: new Date().toISOString(),
      },
    };
    expect(await handler(effect)).toEqual({ outcome: 'done' });
    expect(await handler({ ...effect, attempts: 2 })).toEqual({ outcome: 'done' });
    const h = (await agent('GET', `/contacts/${id}`)).body;
    expect(h.contact.leadScore).toBe(75);
    expect(h.leads.filter((l: { conversationId: string }) => l.conversationId === v.sessionId)).toHaveLength(
      1,
    );
  });

  it('merges two contacts when one identity proves they are one person, and an admin can undo it for good', async () => {
    const [aged] = (await contactByPhone(agedPhone)) as unknown as [{ id: string }];
    const v = await webVisitor(world, { name: 'Erik', email: `erik.${backend}@example.com` });
    await v.send('hello');
    await drained(world);
    const [erik] = (await agent('GET', `/contacts?q=erik.${backend}@example.com`)).body.items;
    expect(erik.id).not.toBe(aged.id);
    // Erik gives Bruno's phone: the same person.
    await callbackHandover(world, v, 'I want a human', agedPhone);
    const [merged] = await contactByPhone(agedPhone);
    expect(merged?.id).toBe(erik.id);
    const after = (await agent('GET', `/contacts/${aged.id}`)).body;
    expect(after.mergedFrom).toBe(aged.id);
    expect(after.contact.id).toBe(erik.id);
    expect(after.contact.leadScore).toBe(50);
    expect(after.contact.identities).toEqual(
      expect.arrayContaining([
        { kind: 'email', value: `erik.${backend}@example.com` },
        { kind: 'phone', value: agedPhone },
      ]),
    );
    expect(after.conversations).toHaveLength(2);
    const merge = after.merges[0];
    expect(merge).toMatchObject({ targetId: erik.id, sourceId: aged.id, mergedBy: 'system', undoneAt: null });
    expect(merge.reason).toBe(`same phone ${agedPhone}`);

    expect((await agent('POST', `/contacts/merges/${merge.id}/undo`)).status).toBe(403);
    const undone = await admin('POST', `/contacts/merges/${merge.id}/undo`);
    expect(undone.status).toBe(200);
    expect(undone.body.target.identities).toEqual([{ kind: 'email', value: `erik.${backend}@example.com` }]);
    expect(undone.body.source.identities).toEqual([{ kind: 'phone', value: agedPhone }]);
    expect(undone.body.source.leadScore).toBe(25);
    expect(undone.body.target.leadScore).toBe(25);
    expect((await agent('GET', `/contacts/${aged.id}`)).body.conversations).toHaveLength(1);
    expect((await admin('POST', `/contacts/merges/${merge.id}/undo`)).status).toBe(409);
    // The same proof again does not merge them a second time: the admin said they are two people.
    await world.w.t.runtime.contacts.linker.link({
      sessionId: v.sessionId,
      channel: 'web',
      identities: [{ kind: 'phone', value: agedPhone }],
      source: 'web',
    });
    expect((await contactByPhone(agedPhone))[0]?.id).toBe(aged.id);
    expect((await agent('GET', `/contacts/${erik.id}`)).body.contact.identities).toHaveLength(1);
  });

  it('imports contacts from CSV (admins), and names the line and column of a bad row', async () => {
    const vipEmail = `vera.${backend}@example.com`;
    const csv = `email,phone,name,tier,lifetime_value,tags\n${vipEmail},,Vera Vip,VIP,2500.50,gold;newsletter\n,${webPhone},,standard,120,\n`;
    const post = (who: ReturnType<typeof as>, body: string) =>
      fetch(`${world.w.t.url}/api/v1/contacts/import`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', ...(who === admin ? world.admin.auth : world.agent.auth) },
        body,
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect((await post(agent, csv)).status).toBe(403);
    const bad = await post(admin, `email,phone,tier\nok.${backend}@example.com,,vip\nnot-an-email,,vip\n`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^line 3, column email: "not-an-email" is not an e-mail address/);
    expect((await agent('GET', `/contacts?q=ok.${backend}@example.com`)).body.items).toEqual([]);
    const unknown = await post(admin, 'email,birthday\na@b.co,1990\n');
    expect(unknown.body.error.message).toMatch(/^line 1, column birthday: unknown column/);
    const ragged = await post(admin, 'email,tier\na@b.co,vip,extra\n');
    expect(ragged.status).toBe(400);
    expect(ragged.body.error.message).toMatch(/line 2/);

    const ok = await post(admin, csv);
    expect(ok).toEqual({ status: 200, body: { rows: 2, created: 1, updated: 1, merged: 0 } });
    const [vera] = (await agent('GET', `/contacts?q=${vipEmail}`)).body.items;
    expect(vera).toMatchObject({
      name: 'Vera Vip',
      tier: 'vip',
      lifetimeValue: 2500.5,
      tags: ['gold', 'newsletter'],
    });
    const [carla] = await contactByPhone(webPhone);
    expect(carla).toMatchObject({ name: 'Carla Web', lifetimeValue: 120 });
  });

  it("raises a VIP's priority by the customer rule, named in the trace, and replays it without the database", async () => {
    const vip = await webVisitor(world, { email: `vera.${backend}@example.com` });
    const stranger = await webVisitor(world, { email: `nobody.${backend}@example.com` });
    for (const v of [vip, stranger]) await v.send('hello');
    await drained(world);
    const vipTurn = await vip.send('my parcel did not arrive');
    const strangerTurn = await stranger.send('my parcel did not arrive');
    expect(vipTurn.body.state).toBe(strangerTurn.body.state);
    const last = async (sessionId: string) => (await world.w.t.runtime.store.trace(sessionId)).at(-1);
    const strangerDetection = (await last(stranger.sessionId))?.detection;
    expect(strangerDetection?.priority).toBe('medium');
    expect(strangerDetection?.triggers).not.toContain('customer:vip');
    const vipEntry = await last(vip.sessionId);
    expect(vipEntry?.detection?.priority).toBe('high');
    expect(vipEntry?.detection?.triggers).toContain('customer:vip');
    expect(vipEntry?.detection?.customer).toMatchObject({
      tier: 'vip',
      lifetimeValue: 2500.5,
      openTickets: 0,
    });
    expect(vipEntry?.detection?.reasons.some((r) => r.includes('customer rule vip'))).toBe(true);
    expect((await vip.view()).body.priority).toBe('high');
    // Replay with detection re-run and no database: the recorded facts give the same priority.
    const config = parseEnv({});
    const knowledge = loadKnowledge(config.content.knowledgeFile);
    const parsed = parseTrace(serializeTrace(await world.w.t.runtime.store.trace(vip.sessionId)), 'vip');
    if (!parsed.ok) throw new Error('the trace does not parse');
    const replayed = await replayTrace(parsed.trace, {
      machine: buildMachine(config, knowledge),
      knowledge,
      detectorFor: redetector({}),
    });
    expect(replayed.differences).toEqual([]);
    expect(replayed.replayed.at(-1)?.detection?.priority).toBe('high');
    expect(replayed.replayed.at(-1)?.detection?.triggers).toContain('customer:vip');
  });

  it('lets agents read but not change contacts', async () => {
    const [vera] = (await agent('GET', `/contacts?q=vera.${backend}@example.com`)).body.items;
    expect((await agent('PATCH', `/contacts/${vera.id}`, { tier: 'standard' })).status).toBe(403);
    const bad = await admin('PATCH', `/contacts/${vera.id}`, { tier: 'V I P' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/tier/);
    const ok = await admin('PATCH', `/contacts/${vera.id}`, {
      tags: ['gold'],
      customFields: { account: 'A-17' },
    });
    expect(ok.body).toMatchObject({ tags: ['gold'], customFields: { account: 'A-17' }, tier: 'vip' });
    expect((await agent('GET', '/contacts/not-a-uuid')).status).toBe(404);
    expect((await agent('GET', '/contacts/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('exports a contact and erases them: messages redacted, identities gone, aggregates kept, audited', async () => {
    const [sheena] = (await contactByPhone(whatsappPhone)) as unknown as [{ id: string }];
    expect((await agent('GET', `/contacts/${sheena.id}/export`)).status).toBe(403);
    const exported = await admin('GET', `/contacts/${sheena.id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body.contact.id).toBe(sheena.id);
    expect(exported.body.messages.some((m: { text: string }) => m.text === 'I want to talk to a human')).toBe(
      true,
    );
    expect(exported.body.audit[0]).toMatchObject({
      action: 'contact.export',
      actorId: world.admin.id,
    });
    const sessions = exported.body.conversations.map((c: { sessionId: string }) => c.sessionId);
    const count = async (table: string) =>
      Number(
        (
          rowsOf(await db().execute(sql.raw(`select count(*) as n from ${table}`))) as Array<{ n: unknown }>
        )[0]?.n,
      );
    const before = {
      leads: await count('leads'),
      activities: await count('activities'),
      escalations: await count('escalations'),
    };

    expect((await admin('POST', `/contacts/${sheena.id}/erase`, {})).status).toBe(400);
    const erased = await admin('POST', `/contacts/${sheena.id}/erase`, { confirm: true });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ outcome: 'erased', conversations: sessions.length });
    expect((await agent('GET', `/contacts/${sheena.id}`)).status).toBe(404);
    expect(await contactByPhone(whatsappPhone)).toEqual([]);
    const texts = rowsOf(
      await db().execute(
        sql`select distinct text from messages where session_id in ${sql.raw(`('${sessions.join("','")}')`)}`,
      ),
    ) as Array<{ text: string }>;
    expect(texts).toEqual([{ text: '[erased]' }]);
    const identities = rowsOf(
      await db().execute(sql`select count(*) as n from contact_identities where value = ${whatsappPhone}`),
    ) as Array<{ n: unknown }>;
    expect(Number(identities[0]?.n)).toBe(0);
    expect({
      leads: await count('leads'),
      activities: await count('activities'),
      escalations: await count('escalations'),
    }).toEqual(before);
    const audit = rowsOf(
      await db().execute(
        sql`select action, actor_id from audit_log where subject_id = ${sheena.id} order by at`,
      ),
    );
    expect(audit).toEqual([
      { action: 'contact.export', actor_id: world.admin.id },
      { action: 'contact.erase', actor_id: world.admin.id },
    ]);
    // The same number writing again is a new person to us: nothing links back to the erased contact.
    await whatsApp(world, whatsappPhone, 'hello again');
    const [fresh] = await contactByPhone(whatsappPhone);
    expect(fresh?.id).toBeDefined();
    expect(fresh?.id).not.toBe(sheena.id);
  });
});
