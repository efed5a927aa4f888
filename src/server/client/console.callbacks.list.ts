// The Callbacks tab's list: its filters (status, assignee) and one row per callback, the earliest window
// first, a window open now marked "due now".
import type { CallbackItem } from '../tickets.schemas.ts';
import { STATUS_NAMES, when, windowWords } from './console.callbacks.model.ts';
import { label } from './console.format.ts';
import { replaceRows } from './console.work.ts';
import { h, selectBox } from './dom.ts';

export function callbackFilters() {
  return {
    status: selectBox('c-status', 'Callback status', [
      ['scheduled', 'To call'],
      ['done', 'Done'],
      ['cancelled', 'Cancelled'],
      ['scheduled,done,cancelled', 'Any status'],
    ]),
    assignee: selectBox('c-assignee', 'Callback assignee', [
      ['', 'Anyone'],
      ['me', 'Mine'],
      ['none', 'Unassigned'],
    ]),
  };
}

export type CallbackFilters = ReturnType<typeof callbackFilters>;

/** The list's query: the status filter always, the assignee when set. */
export function callbackQuery(filters: CallbackFilters): URLSearchParams {
  const params = new URLSearchParams({ pageSize: '100', status: filters.status.value });
  if (filters.assignee.value) params.set('assignee', filters.assignee.value);
  return params;
}

function callbackRow(c: CallbackItem, current: boolean) {
  return h(
    'li',
    {},
    h(
      'button',
      {
        type: 'button',
        class: `item prio-${c.priority}`,
        'data-id': c.id,
        'aria-current': current ? 'true' : undefined,
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
  );
}

/** Redraws the rows, keeping the focus on the row that had it. */
export function renderCallbackList(list: HTMLElement, items: CallbackItem[], openId: string | null) {
  replaceRows(
    list,
    items.map((c) => callbackRow(c, c.id === openId)),
  );
}
