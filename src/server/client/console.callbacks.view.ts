// The Callbacks tab: the calls to make, apart from the live queue, the earliest window first (a window that
// is open now is marked "due"). The open callback has its `tel:` link, the visitor's words, and the outcome
// buttons: done, no answer (rescheduled: in two hours, or at the time given) and cancelled, with notes.
// What is offered follows the server's `allowed` flags (the one policy's `allowedWork`).
import type { CallbackItem } from '../tickets.schemas.ts';
import { cap, label } from './console.format.ts';
import type { ConsoleShell } from './console.shell.ts';
import { actionButton, noticeLine } from './console.work.ts';
import { h, selectBox } from './dom.ts';

const STATUS_NAMES: Record<CallbackItem['status'], string> = {
  scheduled: 'To call',
  done: 'Done',
  cancelled: 'Cancelled',
};

/** The visitor's words for the window until a call went unanswered; then the new window it was moved to. */
const windowWords = (c: CallbackItem) =>
  c.attempts && c.status === 'scheduled'
    ? `rescheduled after ${c.attempts} unanswered tr${c.attempts === 1 ? 'y' : 'ies'}`
    : (c.windowText ?? 'as soon as possible');

const when = (iso: string) =>
  new Date(iso).toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' });

export function callbacksView(shell: ConsoleShell) {
  let items: CallbackItem[] = [];
  let openId: string | null = null;
  let busy = false;

  const filterStatus = selectBox('c-status', 'Callback status', [
    ['scheduled', 'To call'],
    ['done', 'Done'],
    ['cancelled', 'Cancelled'],
    ['scheduled,done,cancelled', 'Any status'],
  ]);
  const filterAssignee = selectBox('c-assignee', 'Callback assignee', [
    ['', 'Anyone'],
    ['me', 'Mine'],
    ['none', 'Unassigned'],
  ]);
  const list = h('ul', { class: 'items', id: 'callback-items', 'aria-label': 'Callbacks' });
  const status = h('p', { class: 'queue-status muted', id: 'callback-status', 'aria-live': 'polite' });
  const detail = h('div', { class: 'work-detail', id: 'callback-detail' });
  const notice = noticeLine('callback-notice');
  const say = notice.say;
  const element = h(
    'section',
    {
      class: 'work',
      id: 'callbacks-panel',
      role: 'tabpanel',
      'aria-labelledby': 'kind-callbacks',
      hidden: true,
    },
    h(
      'div',
      { class: 'work-list' },
      h('h2', { class: 'sr-only' }, 'Callbacks'),
      h('div', { class: 'work-filters selects' }, filterStatus, filterAssignee),
      status,
      list,
    ),
    detail,
  );

  async function refresh() {
    const params = new URLSearchParams({ pageSize: '100', status: filterStatus.value });
    if (filterAssignee.value) params.set('assignee', filterAssignee.value);
    try {
      const body = await shell.api<{ items: CallbackItem[]; total: number }>(`/callbacks?${params}`);
      items = body.items;
      const due = items.filter((c) => c.due).length;
      status.textContent = items.length
        ? `${body.total} callback${body.total === 1 ? '' : 's'}${due ? `, ${due} due now` : ''}`
        : 'No callbacks here. When a visitor asks to be called, the request appears here.';
    } catch (e) {
      status.textContent = `Could not load the callbacks: ${(e as Error).message}`;
    }
    render();
  }

  for (const select of [filterStatus, filterAssignee])
    select.addEventListener('change', () => void refresh());
  list.addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('button.item');
    if (!button?.dataset.id) return;
    openId = button.dataset.id;
    notice.clear();
    render();
  });

  async function record(body: Record<string, unknown>, done: string) {
    if (!openId || busy) return;
    busy = true;
    try {
      await shell.api(`/callbacks/${openId}`, { method: 'PATCH', body });
      say(done);
      await refresh();
    } catch (e) {
      say((e as Error).message, true);
    } finally {
      busy = false;
    }
  }

  function render() {
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.id;
    list.replaceChildren(
      ...items.map((c) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: `item prio-${c.priority}`,
              'data-id': c.id,
              'aria-current': c.id === openId ? 'true' : undefined,
              'aria-label': `${c.visitorName ?? 'Visitor'}, ${c.due ? 'due now' : `due ${when(c.dueAt)}`}, ${STATUS_NAMES[c.status]}`,
            },
            h(
              'span',
              { class: 'row1' },
              h('span', { class: 'prio' }, c.priority),
              h('span', { class: 'cat' }, label(c.category)),
              h('span', { class: 'status' }, STATUS_NAMES[c.status]),
              c.due ? h('span', { class: 'due-badge' }, 'due now') : null,
            ),
            h('span', { class: 'subject' }, `${c.visitorName ?? 'Visitor'} · ${c.phone ?? 'no phone'}`),
            h(
              'span',
              { class: 'row3' },
              h('span', {}, `${windowWords(c)} · from ${when(c.dueAt)}`),
              c.attempts ? h('span', {}, `${c.attempts} tr${c.attempts === 1 ? 'y' : 'ies'}`) : null,
            ),
          ),
        ),
      ),
    );
    if (focused) list.querySelector<HTMLElement>(`button[data-id="${CSS.escape(focused)}"]`)?.focus();
    renderDetail(items.find((c) => c.id === openId) ?? null);
  }

  function renderDetail(c: CallbackItem | null) {
    if (!c) {
      detail.replaceChildren(
        h(
          'div',
          { class: 'empty' },
          h('h2', {}, 'No callback open'),
          h('p', {}, 'Pick a callback from the list: the earliest window is at the top.'),
        ),
        notice.element,
      );
      return;
    }
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
      h(
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
      ),
      notice.element,
      h(
        'p',
        { class: 'call' },
        c.telUrl
          ? h('a', { href: c.telUrl, class: 'tel', id: 'callback-tel' }, `Call ${c.phone}`)
          : h('span', {}, 'No phone number was given.'),
      ),
      h(
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
      ),
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
    if (c.status === 'scheduled' && allowed.change) parts.push(outcomeForm());
    detail.replaceChildren(h('div', { class: 'conv' }, ...parts));
  }

  function outcomeForm() {
    const notes = h('textarea', { id: 'callback-notes', rows: '2' });
    const retry = h('input', { id: 'callback-retry', type: 'datetime-local' });
    const form = h(
      'form',
      { class: 'inline-form', id: 'callback-form', 'aria-label': 'Outcome of the call' },
      h('label', { for: 'callback-notes' }, 'Notes'),
      notes,
      h('label', { for: 'callback-retry' }, 'If nobody answers, try again at (default: in 2 hours)'),
      retry,
      h(
        'div',
        { class: 'form-buttons' },
        h('button', { type: 'submit', class: 'primary', value: 'done', id: 'callback-done' }, 'Done'),
        h('button', { type: 'submit', value: 'no_answer', id: 'callback-no-answer' }, 'No answer'),
        h('button', { type: 'submit', value: 'cancelled', id: 'callback-cancel' }, 'Cancelled'),
      ),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const outcome = (e.submitter as HTMLButtonElement | null)?.value ?? 'done';
      const body: Record<string, unknown> = { outcome };
      if (notes.value.trim()) body.notes = notes.value.trim();
      if (outcome === 'no_answer' && retry.value) body.retryAt = new Date(retry.value).toISOString();
      void record(
        body,
        outcome === 'done'
          ? 'Done.'
          : outcome === 'no_answer'
            ? 'No answer: rescheduled; you will be reminded when the new window opens.'
            : 'Cancelled.',
      );
    });
    return form;
  }

  return { element, refresh };
}
