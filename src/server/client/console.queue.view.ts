// The queue: tabs (waiting, mine, all open, closed), search and filters, and the list of live chats in
// the server's order (priority, then longest waiting) with waiting time, SLA countdown, unread and typing.
// Tickets and callbacks are not chats anybody waits in: they have their own tabs (console.tickets.view.ts,
// console.callbacks.view.ts).
import { queueFilters, queueQuery } from './console.queue.filters.ts';
import { queueRow, tickRows } from './console.queue.row.ts';
import type { ConsoleShell } from './console.shell.ts';
import { type QueueItem, queueOrder } from './console.store.ts';
import { h } from './dom.ts';

export function queueView(shell: ConsoleShell) {
  const { queue, convo } = shell;
  const items = h('ul', { class: 'items', id: 'items', 'aria-label': 'Conversations' });
  const status = h('p', { class: 'queue-status muted', id: 'queue-status', 'aria-live': 'polite' });
  const filters = queueFilters(queue, refresh);
  const element = h(
    'section',
    { class: 'queue', 'aria-labelledby': 'queue-title' },
    h('h2', { id: 'queue-title', class: 'sr-only' }, 'Queue'),
    filters.tabs,
    filters.controls,
    status,
    items,
  );

  async function refresh() {
    const params = queueQuery(queue.getSnapshot().context.filter);
    queue.trigger.loading();
    try {
      const body = await shell.api<{ items: QueueItem[]; total: number }>(`/escalations?${params}`);
      queue.trigger.loaded({ items: body.items, total: body.total, at: Date.now() });
    } catch (e) {
      queue.trigger.failed({ error: (e as Error).message });
    }
  }

  items.addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('button.item');
    if (button?.dataset.id) shell.open(button.dataset.id);
  });

  function render() {
    const q = queue.getSnapshot().context;
    const openId = convo.getSnapshot().context.id;
    filters.render(q.filter.view);
    status.textContent = q.error
      ? `Could not load the queue: ${q.error}`
      : q.items.length === 0
        ? q.filter.view === 'waiting'
          ? 'No one is waiting. New escalations appear here as they happen.'
          : 'Nothing here.'
        : `${q.total} conversation${q.total === 1 ? '' : 's'}`;
    const focusedId = (document.activeElement as HTMLElement | null)?.dataset?.id;
    items.replaceChildren(
      ...[...q.items]
        .sort(queueOrder)
        .map((item) => queueRow(item, q.unread[item.conversationId] ?? 0, openId, shell.operatorName)),
    );
    tick();
    if (focusedId)
      items.querySelector<HTMLButtonElement>(`button[data-id="${CSS.escape(focusedId)}"]`)?.focus();
  }

  /** Once a second: waiting times, SLA countdowns, typing dots. */
  function tick() {
    tickRows(items, queue.getSnapshot().context.typing, Date.now());
  }

  /** Marks the open conversation in the list without redrawing it. */
  function markOpen(id: string | null) {
    for (const b of items.querySelectorAll<HTMLButtonElement>('button.item'))
      if (b.dataset.id === id) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
  }

  queue.subscribe(render);
  return {
    element,
    items,
    search: filters.search,
    refresh,
    render,
    tick,
    clearSearch: filters.clearSearch,
    markOpen,
  };
}
export type QueueView = ReturnType<typeof queueView>;
