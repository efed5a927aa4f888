// The visitor panel of the conversation view: who the visitor is to us (the contact: name, tier, lead
// score, identities), what they went through before (earlier conversations, tickets, callbacks, recent
// activities, ratings), where they are writing from (page, referrer, browser, time zone), and a link to
// the contact's record.
import type { ContactHistory } from '../contacts.schemas.ts';
import { clock, label, shortId, webLink } from './console.format.ts';
import type { ConsoleShell } from './console.shell.ts';
import type { Conversation } from './console.store.ts';
import { type Child, h } from './dom.ts';

/** What the widget tells us about the page the visitor is on (absent before the widget sends it). */
interface VisitorContext {
  pageUrl?: string;
  referrer?: string;
  userAgent?: string;
  timeZone?: string;
  locale?: string;
}

/** The children worth appending (a Child may be nothing). */
const present = (children: Child[]): Array<Node | string> =>
  children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false);

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });

function visitorContextOf(data: Conversation): VisitorContext | null {
  const visitor: unknown = (data as { visitor?: unknown }).visitor;
  return visitor && typeof visitor === 'object' ? (visitor as VisitorContext) : null;
}

export function visitorView(shell: ConsoleShell) {
  const box = h('div', { id: 'visitor-panel-body' });
  const element = h(
    'section',
    { class: 'visitor-panel', id: 'visitor-panel', 'aria-labelledby': 'visitor-title' },
    h('h2', { id: 'visitor-title' }, 'Visitor'),
    box,
  );
  let shownKey = '';
  let loading = 0;

  async function openRecord(id: string) {
    const record = await shell.api<ContactHistory>(`/contacts/${encodeURIComponent(id)}`);
    const blob = new Blob([JSON.stringify(record, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    window.open(url, '_blank', 'noopener');
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  function contextRows(context: VisitorContext | null): Child[] {
    if (!context) return [];
    const rows: Array<[string, Child]> = [];
    const page = webLink(context.pageUrl ?? null);
    if (context.pageUrl)
      rows.push([
        'Page',
        page ? h('a', { href: page, target: '_blank', rel: 'noopener' }, page) : context.pageUrl,
      ]);
    if (context.referrer) rows.push(['Came from', context.referrer]);
    if (context.userAgent) rows.push(['Browser', context.userAgent]);
    if (context.timeZone) rows.push(['Time zone', context.timeZone]);
    if (context.locale) rows.push(['Language', context.locale]);
    return rows.length
      ? [h('dl', { class: 'visitor-context' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))]
      : [];
  }

  function list<T>(title: string, id: string, items: T[], line: (item: T) => Child[]): Child[] {
    if (items.length === 0) return [];
    return [
      h('h3', {}, title),
      h('ul', { class: 'visitor-history', id }, ...items.map((i) => h('li', {}, ...line(i)))),
    ];
  }

  function show(data: Conversation, history: ContactHistory | null) {
    const context = contextRows(visitorContextOf(data));
    if (!history) {
      box.replaceChildren(
        ...present([
          h('p', { class: 'muted', id: 'visitor-unknown' }, 'Not a known contact yet.'),
          ...context,
        ]),
      );
      return;
    }
    const c = history.contact;
    const earlier = history.conversations.filter((v) => v.sessionId !== data.conversationId);
    const ratings = history.satisfaction.map((r) => r.rating);
    const record = h(
      'button',
      { type: 'button', class: 'link-button', id: 'contact-record' },
      'Open contact record',
    );
    record.addEventListener('click', () => void openRecord(c.id));
    box.replaceChildren(
      ...present([
        h(
          'p',
          { class: 'contact-name', id: 'contact-name' },
          h('strong', {}, c.name ?? 'Unnamed contact'),
          ' ',
          h('span', { class: `tier-tag tier-${c.tier}`, id: 'contact-tier' }, c.tier),
        ),
        h(
          'dl',
          {},
          h('dt', {}, 'Lead score'),
          h('dd', {}, String(c.leadScore)),
          h('dt', {}, 'Lifetime value'),
          h('dd', {}, c.lifetimeValue.toLocaleString(undefined, { maximumFractionDigits: 2 })),
          ...(ratings.length
            ? [
                h('dt', {}, 'Ratings'),
                h(
                  'dd',
                  {},
                  `${(ratings.reduce((a, b) => a + b, 0) / ratings.length).toFixed(1)} / 5 (${ratings.length})`,
                ),
              ]
            : []),
          ...(c.tags.length
            ? [
                h('dt', {}, 'Tags'),
                h(
                  'dd',
                  {},
                  h('span', { class: 'chips' }, ...c.tags.map((t) => h('span', { class: 'chip' }, t))),
                ),
              ]
            : []),
        ),
        h(
          'ul',
          { class: 'identities', id: 'contact-identities' },
          ...c.identities.map((i) =>
            h('li', {}, h('span', { class: 'muted' }, `${label(i.kind)} `), i.value),
          ),
        ),
        ...context,
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
        h('p', { class: 'qa-links' }, record, h('span', { class: 'muted' }, ` ${shortId(c.id)}`)),
      ]),
    );
  }

  /** Re-read when another conversation opens or the open one moves on (a handover adds a lead). */
  async function render(data: Conversation | null) {
    if (!data) {
      shownKey = '';
      box.replaceChildren();
      return;
    }
    const key = `${data.conversationId}:${data.state}`;
    if (key === shownKey) return;
    shownKey = key;
    const ticket = ++loading;
    try {
      const { contact } = await shell.api<{ contact: ContactHistory | null }>(
        `/conversations/${encodeURIComponent(data.conversationId)}/contact`,
      );
      if (ticket === loading) show(data, contact);
    } catch (e) {
      if (ticket === loading)
        box.replaceChildren(
          h('p', { class: 'error', role: 'alert' }, `Could not load the contact: ${(e as Error).message}`),
        );
    }
  }

  return { element, render };
}
