// The open callback: its head (who to call, status, priority, who has it) with Take when allowed, the
// `tel:` link, the window and the visitor's words, and the outcome form while it is still to call.
import type { CallbackItem } from '../tickets.schemas.ts';
import { STATUS_NAMES, when, windowWords } from './console.callbacks.model.ts';
import { outcomeForm } from './console.callbacks.outcome.ts';
import { cap, label } from './console.format.ts';
import type { ConsoleShell } from './console.shell.ts';
import { actionButton } from './console.work.ts';
import { h } from './dom.ts';

/** PATCHes the open callback; `done` is said when it worked. */
export type RecordCallback = (body: Record<string, unknown>, done: string) => Promise<void>;

export function noCallbackOpen() {
  return h(
    'div',
    { class: 'empty' },
    h('h2', {}, 'No callback open'),
    h('p', {}, 'Pick a callback from the list: the earliest window is at the top.'),
  );
}

function callbackHead(c: CallbackItem, shell: ConsoleShell, actions: HTMLElement) {
  return h(
    'div',
    { class: 'conv-head' },
    h(
      'div',
      { class: 'conv-title' },
      h('h2', { id: 'callback-title' }, `Call ${c.visitorName ?? 'the visitor'}`),
      h('span', { class: 'badge', id: 'callback-state', 'data-state': c.status }, STATUS_NAMES[c.status]),
      h('span', { class: `prio-text prio-${c.priority}` }, `${c.priority} priority`),
      h(
        'span',
        { class: 'muted' },
        c.assignedTo ? `with ${shell.operatorName(c.assignedTo)}` : 'nobody has it yet',
      ),
    ),
    actions,
  );
}

function callbackFacts(c: CallbackItem) {
  return h(
    'dl',
    { class: 'work-facts' },
    h('dt', {}, 'Window'),
    h('dd', {}, `${windowWords(c)} (${when(c.dueAt)} – ${when(c.windowEndsAt)})`),
    h('dt', {}, 'Category'),
    h('dd', {}, cap(label(c.category))),
    h('dt', {}, 'Tries'),
    h('dd', { id: 'callback-attempts' }, String(c.attempts)),
    c.summary ? h('dt', {}, 'Summary') : null,
    c.summary ? h('dd', {}, c.summary) : null,
    c.notes ? h('dt', {}, 'Notes') : null,
    c.notes ? h('dd', { id: 'callback-notes-shown' }, c.notes) : null,
  );
}

export function callbackDetail(
  c: CallbackItem,
  shell: ConsoleShell,
  notice: HTMLElement,
  record: RecordCallback,
) {
  const allowed = c.allowed ?? { take: false, release: false, change: false, reply: false };
  const actions = h('div', { class: 'actions' });
  if (allowed.take)
    actions.append(
      actionButton(
        'callback-take',
        'Take',
        () => record({ assignee: 'me' }, 'Taken: it is yours.'),
        'primary',
      ),
    );
  const parts: Array<HTMLElement> = [
    callbackHead(c, shell, actions),
    notice,
    h(
      'p',
      { class: 'call' },
      c.telUrl
        ? h('a', { href: c.telUrl, class: 'tel', id: 'callback-tel' }, `Call ${c.phone}`)
        : h('span', {}, 'No phone number was given.'),
    ),
    callbackFacts(c),
    h(
      'p',
      {},
      actionButton(
        'callback-conversation',
        'Open the conversation',
        () => shell.open(c.sessionId),
        'link-button',
      ),
    ),
  ];
  if (c.status === 'scheduled' && allowed.change)
    parts.push(outcomeForm((body, done) => void record(body, done)));
  return h('div', { class: 'conv' }, ...parts);
}
