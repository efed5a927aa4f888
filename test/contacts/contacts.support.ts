// A server with the WhatsApp channel against its local Graph fake, an admin and an agent, and helpers that
// drive conversations to a handover and wait until customer memory (the recordContact effects) caught up.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { luhnValid } from '../../src/detection/card.mask.ts';
import {
  APP_SECRET,
  type ChannelsWorld,
  PHONE_NUMBER_ID,
  settled,
  startChannelsWorld,
  waitFor,
} from '../channels/channels.support.ts';
import { postWhatsAppWebhook, whatsAppMessageWebhook } from '../fakes/whatsapp-graph.fake.ts';
import { type LoggedIn, newOperator } from '../operator/operator.support.ts';
import { api, type Visitor } from '../support/runtime.ts';

export interface ContactsWorld {
  w: ChannelsWorld;
  admin: LoggedIn;
  agent: LoggedIn;
  close(): Promise<void>;
}

export async function startContactsWorld(backend: 'pglite' | 'postgres'): Promise<ContactsWorld> {
  const w = await startChannelsWorld({ backend });
  const admin = await newOperator(w.t.runtime, w.t.url, 'admin');
  const agent = await newOperator(w.t.runtime, w.t.url, 'agent');
  return {
    w,
    admin,
    agent,
    close: () => w.close(),
  };
}

let counter = 0;
/**
 * A fresh, valid German mobile number per call (E.164). Never one that passes the Luhn check: typed into
 * the chat, such a 13-digit run would be masked as a card number (src/detection/card.mask.ts).
 */
export function newPhone(): string {
  for (;;) {
    const phone = `+49151${String(10_000_000 + (((Date.now() % 1_000_000) * 7 + ++counter * 7919) % 89_999_999))}`;
    if (!luhnValid(phone.slice(1))) return phone;
  }
}

export async function drained(world: ContactsWorld): Promise<void> {
  await waitFor('the outbox drained', async () => (await world.w.t.runtime.effectLog.pendingCount()) === 0);
}

/** One WhatsApp message from `phone` (E.164), handled and its effects run. */
export async function whatsApp(world: ContactsWorld, phone: string, text: string, name = 'Sheena Nelson') {
  const id = `wamid.${randomBytes(8).toString('hex')}`;
  const body = whatsAppMessageWebhook({
    phoneNumberId: PHONE_NUMBER_ID,
    from: phone.slice(1),
    name,
    id,
    message: { text },
  });
  const res = await postWhatsAppWebhook(world.w.t.url, body, { appSecret: APP_SECRET });
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  await settled(world.w, 'whatsapp', id);
  await drained(world);
}

export async function webVisitor(world: ContactsWorld, visitor?: { name?: string; email?: string }) {
  const start = await api(world.w.t.url, 'POST', '/api/v1/sessions', visitor ? { visitor } : {});
  if (start.status !== 201) throw new Error(`start failed: ${start.status}`);
  const { sessionId, token } = start.body;
  const auth = { authorization: `Bearer ${token}` };
  const v: Visitor = {
    sessionId,
    token,
    send: (text, id = `m${++counter}`) =>
      api(
        world.w.t.url,
        'POST',
        `/api/v1/sessions/${sessionId}/messages`,
        { clientMessageId: id, text },
        auth,
      ),
    press: (button, id = `b${++counter}`) =>
      api(
        world.w.t.url,
        'POST',
        `/api/v1/sessions/${sessionId}/messages`,
        { clientMessageId: id, button },
        auth,
      ),
    view: () => api(world.w.t.url, 'GET', `/api/v1/sessions/${sessionId}`, undefined, auth),
  };
  return v;
}

/** Asks for a person with `trigger`, picks a callback and gives `phone`: a callback handover. */
export async function callbackHandover(world: ContactsWorld, v: Visitor, trigger: string, phone: string) {
  const asked = await v.send(trigger);
  if (asked.body.state !== 'escalation_options')
    throw new Error(`expected the options, got ${asked.body.state}`);
  await v.press('callback');
  await v.send(phone);
  const done = await v.send('tomorrow 9-11am');
  if (done.body.state !== 'callback_scheduled')
    throw new Error(`expected a callback, got ${done.body.state}`);
  await drained(world);
}

export const as = (world: ContactsWorld, who: LoggedIn) => (method: string, path: string, body?: unknown) =>
  api(world.w.t.url, method, `/api/v1${path}`, body, who.auth);

/** Writes what a test saw to CONTACTS_CAPTURE_DIR (for the session note), when set. */
export function capture(name: string, value: unknown): void {
  const dir = process.env.CONTACTS_CAPTURE_DIR;
  if (dir) writeFileSync(`${dir}/${name}.json`, `${JSON.stringify(value, null, 2)}\n`);
}
