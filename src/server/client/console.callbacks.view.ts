// The Callbacks tab: the calls to make, apart from the live queue, the earliest window first (a window that
// is open now is marked "due"). The open callback has its `tel:` link, the visitor's words, and the outcome
// buttons: done, no answer (rescheduled: in two hours, or at the time given) and cancelled, with notes.
// What is offered follows the server's `allowed` flags (the one policy's `allowedWork`).
// This file holds the tab's state and its round-trips to the server; the list and the detail render it.
import type { CallbackItem } from '../tickets.schemas.ts';
import { callbackDetail, noCallbackOpen } from './console.callbacks.detail.ts';
import {
  type CallbackFilters,
  callbackFilters,
  callbackQuery,
  renderCallbackList,
} from './console.callbacks.list.ts';
import type { ConsoleShell } from './console.shell.ts';
import { noticeLine, workPanel } from './console.work.ts';
import { h } from './dom.ts';

interface CallbacksTab {
  shell: ConsoleShell;
  filters: CallbackFilters;
  list: HTMLElement;
  status: HTMLElement;
  detail: HTMLElement;
  notice: ReturnType<typeof noticeLine>;
  items: CallbackItem[];
  openId: string | null;
  /** An outcome is on its way: another waits for it. */
  busy: boolean;
}

async function refresh(tab: CallbacksTab) {
  try {
    const body = await tab.shell.api<{ items: CallbackItem[]; total: number }>(
      `/callbacks?${callbackQuery(tab.filters)}`,
    );
    tab.items = body.items;
    const due = tab.items.filter((c) => c.due).length;
    tab.status.textContent = tab.items.length
      ? `${body.total} callback${body.total === 1 ? '' : 's'}${due ? `, ${due} due now` : ''}`
      : 'No callbacks here. When a visitor asks to be called, the request appears here.';
  } catch (e) {
    tab.status.textContent = `Could not load the callbacks: ${(e as Error).message}`;
  }
  render(tab);
}

async function record(tab: CallbacksTab, body: Record<string, unknown>, done: string) {
  if (!tab.openId || tab.busy) return;
  tab.busy = true;
  try {
    await tab.shell.api(`/callbacks/${tab.openId}`, { method: 'PATCH', body });
    tab.notice.say(done);
    await refresh(tab);
  } catch (e) {
    tab.notice.say((e as Error).message, true);
  } finally {
    tab.busy = false;
  }
}

function render(tab: CallbacksTab) {
  renderCallbackList(tab.list, tab.items, tab.openId);
  const open = tab.items.find((c) => c.id === tab.openId);
  tab.detail.replaceChildren(
    ...(open
      ? [callbackDetail(open, tab.shell, tab.notice.element, (body, done) => record(tab, body, done))]
      : [noCallbackOpen(), tab.notice.element]),
  );
}

export function callbacksView(shell: ConsoleShell) {
  const filters = callbackFilters();
  const tab: CallbacksTab = {
    shell,
    filters,
    list: h('ul', { class: 'items', id: 'callback-items', 'aria-label': 'Callbacks' }),
    status: h('p', { class: 'queue-status muted', id: 'callback-status', 'aria-live': 'polite' }),
    detail: h('div', { class: 'work-detail', id: 'callback-detail' }),
    notice: noticeLine('callback-notice'),
    items: [],
    openId: null,
    busy: false,
  };
  const selects = Object.values(filters);
  const { status, list, detail } = tab;
  const element = workPanel('callbacks', 'Callbacks', { filters: selects, status, list, detail });

  for (const select of selects) select.addEventListener('change', () => void refresh(tab));
  tab.list.addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('button.item');
    if (!button?.dataset.id) return;
    tab.openId = button.dataset.id;
    tab.notice.clear();
    render(tab);
  });
  return { element, refresh: () => refresh(tab) };
}
