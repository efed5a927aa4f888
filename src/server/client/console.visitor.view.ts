// The visitor panel of the conversation view: who the visitor is to us (the contact: name, tier, lead
// score, identities), what they went through before (earlier conversations, tickets, callbacks, recent
// activities, ratings), where they are writing from (page, referrer, browser, time zone), and a link to
// the contact's record. Each of these is its own file (console.visitor.*.ts).
import type { ContactHistory } from '../contacts.schemas.ts';
import { shortId } from './console.format.ts';
import type { ConsoleShell } from './console.shell.ts';
import type { Conversation } from './console.store.ts';
import { contactCard } from './console.visitor.contact.ts';
import { visitorContextRows } from './console.visitor.context.ts';
import { visitorHistory } from './console.visitor.history.ts';
import { type Child, h } from './dom.ts';

/** The children worth appending (a Child may be nothing). */
const present = (children: Child[]): Array<Node | string> =>
  children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false);

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

  /** The full record, as JSON in a new tab. */
  async function openRecord(id: string) {
    const record = await shell.api<ContactHistory>(`/contacts/${encodeURIComponent(id)}`);
    const blob = new Blob([JSON.stringify(record, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    window.open(url, '_blank', 'noopener');
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  function show(data: Conversation, history: ContactHistory | null) {
    const context = visitorContextRows(data);
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
    const ratings = history.satisfaction.map((r) => r.rating);
    const record = h(
      'button',
      { type: 'button', class: 'link-button', id: 'contact-record' },
      'Open contact record',
    );
    record.addEventListener('click', () => void openRecord(c.id));
    box.replaceChildren(
      ...present([
        ...contactCard(c, ratings),
        ...context,
        ...visitorHistory(history, data.conversationId),
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
