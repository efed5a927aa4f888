// What the visitor went through before: earlier conversations (linked), tickets, callbacks and recent
// activity, each list left out when empty.
import type { ContactHistory } from '../contacts.schemas.ts';
import { clock, label } from './console.format.ts';
import { type Child, h } from './dom.ts';

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });

function list<T>(title: string, id: string, items: T[], line: (item: T) => Child[]): Child[] {
  if (items.length === 0) return [];
  return [
    h('h3', {}, title),
    h('ul', { class: 'visitor-history', id }, ...items.map((i) => h('li', {}, ...line(i)))),
  ];
}

/** `currentId`, the conversation on screen, is not an earlier one. */
export function visitorHistory(history: ContactHistory, currentId: string): Child[] {
  const earlier = history.conversations.filter((v) => v.sessionId !== currentId);
  return [
    ...list('Earlier conversations', 'contact-conversations', earlier, (v) => [
      h('a', { href: `#conversation/${v.sessionId}` }, `${day(v.createdAt)} · ${v.channel}`),
      v.handoverRequested ? ' · handed over' : '',
      v.state ? h('span', { class: 'muted' }, ` · ${label(v.state)}`) : '',
    ]),
    ...list('Tickets', 'contact-tickets', history.tickets, (t) => [
      `${t.ticketNumber} · ${label(t.status)} · ${t.subject}`,
    ]),
    ...list('Callbacks', 'contact-callbacks', history.callbacks, (cb) => [
      `${day(cb.dueAt)} ${clock(cb.dueAt)} · ${label(cb.status)}${cb.windowText ? ` · ${cb.windowText}` : ''}`,
    ]),
    ...list('Activity', 'contact-activities', history.activities.slice(0, 8), (a) => [
      h('time', { datetime: a.createdAt }, `${day(a.createdAt)} `),
      a.title,
    ]),
  ];
}
