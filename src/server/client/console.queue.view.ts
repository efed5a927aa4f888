// The queue: tabs (waiting, mine, all open, closed), search and filters, and the list of live chats in
// the server's order (priority, then longest waiting) with waiting time, SLA countdown, unread and typing.
// Tickets and callbacks are not chats anybody waits in: they have their own tabs (console.tickets.view.ts,
// console.callbacks.view.ts).
import { CATEGORIES, PRIORITIES } from '../../detection/detection.constants.ts';
import { targetLabel } from '../../handoff/handoff.target.ts';
import type { ESCALATION_STATUSES } from '../../storage/schema/index.ts';
import { cap, label, lastVisitorLine } from './console.format.ts';
import type { ConsoleShell } from './console.shell.ts';
import { formatDuration, type QueueFilter, type QueueItem, queueOrder } from './console.store.ts';
import { h, selectBox } from './dom.ts';

type EscalationStatus = (typeof ESCALATION_STATUSES)[number];
const VIEWS: ReadonlyArray<readonly [QueueFilter['view'], string, EscalationStatus[]]> = [
  ['waiting', 'Waiting', ['queued']],
  ['mine', 'Mine', ['assigned']],
  ['active', 'All open', ['queued', 'assigned']],
  ['closed', 'Closed', ['resolved', 'handed_back', 'failed']],
];

export function queueView(shell: ConsoleShell) {
  const { queue, convo } = shell;
  const search = h('input', { id: 'q', type: 'search', placeholder: 'Search summary, keywords, id  ( / )' });
  const items = h('ul', { class: 'items', id: 'items', 'aria-label': 'Conversations' });
  const status = h('p', { class: 'queue-status muted', id: 'queue-status', 'aria-live': 'polite' });
  const tabs = VIEWS.map(([view, text]) =>
    h('button', { type: 'button', role: 'tab', 'data-view': view, 'aria-selected': 'false' }, text),
  );
  const filters = [
    selectBox('f-priority', 'Priority', [
      ['', 'Any priority'],
      ...PRIORITIES.map((p) => [p, cap(p)] as const),
    ]),
    selectBox('f-category', 'Category', [
      ['', 'Any category'],
      ...CATEGORIES.map((c) => [c, cap(c)] as const),
    ]),
  ] as const;
  const element = h(
    'section',
    { class: 'queue', 'aria-labelledby': 'queue-title' },
    h('h2', { id: 'queue-title', class: 'sr-only' }, 'Queue'),
    h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Queue views' }, ...tabs),
    h(
      'div',
      { class: 'filters' },
      h('label', { class: 'sr-only', for: 'q' }, 'Search'),
      search,
      h('div', { class: 'selects' }, ...filters),
    ),
    status,
    items,
  );

  async function refresh() {
    const f = queue.getSnapshot().context.filter;
    const params = new URLSearchParams({ pageSize: '100' });
    params.set('status', (VIEWS.find((v) => v[0] === f.view)?.[2] ?? ['queued']).join(','));
    if (f.view === 'mine') params.set('assignedTo', 'me');
    if (f.q) params.set('q', f.q);
    if (f.priority) params.set('priority', f.priority);
    if (f.category) params.set('category', f.category);
    params.set('channel', 'instant_chat');
    queue.trigger.loading();
    try {
      const body = await shell.api<{ items: QueueItem[]; total: number }>(`/escalations?${params}`);
      queue.trigger.loaded({ items: body.items, total: body.total, at: Date.now() });
    } catch (e) {
      queue.trigger.failed({ error: (e as Error).message });
    }
  }

  for (const tab of tabs)
    tab.addEventListener('click', () => {
      queue.trigger.filterChanged({ view: tab.dataset.view as QueueFilter['view'] });
      void refresh();
    });
  let searchTimer = 0;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => {
      queue.trigger.filterChanged({ q: search.value.trim() });
      void refresh();
    }, 250);
  });
  /** Esc in the search box: Chromium empties it without an input event, so the filter is cleared here. */
  function clearSearch() {
    if (!search.value && !queue.getSnapshot().context.filter.q) return;
    search.value = '';
    clearTimeout(searchTimer);
    queue.trigger.filterChanged({ q: '' });
    void refresh();
  }
  const keys = ['priority', 'category'] as const;
  for (const [i, select] of filters.entries())
    select.addEventListener('change', () => {
      queue.trigger.filterChanged({ [keys[i] ?? 'priority']: select.value });
      void refresh();
    });
  items.addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('button.item');
    if (button?.dataset.id) shell.open(button.dataset.id);
  });

  function row(item: QueueItem, unread: number, openId: string | null) {
    const where = item.handledIn
      ? `in ${targetLabel(item.handledIn)}`
      : item.status === 'assigned'
        ? `with ${shell.operatorName(item.assignedTo) ?? '—'}`
        : label(item.status);
    const subject = item.subject ?? lastVisitorLine(item.summary);
    return h(
      'li',
      {},
      h(
        'button',
        {
          type: 'button',
          class: `item prio-${item.priority}`,
          'data-id': item.conversationId,
          'aria-current': item.conversationId === openId ? 'true' : undefined,
          'aria-label': `${item.priority} priority, ${label(item.category)}, ${item.status}${unread ? `, ${unread} unread` : ''}: ${subject}`,
        },
        h(
          'span',
          { class: 'row1' },
          h('span', { class: 'prio' }, item.priority),
          h('span', { class: 'cat' }, label(item.category)),
          h('span', { class: 'status' }, where),
          unread ? h('span', { class: 'unread', 'aria-hidden': 'true' }, String(unread)) : null,
        ),
        h('span', { class: 'subject' }, subject),
        h(
          'span',
          { class: 'row3' },
          h('span', { class: 'wait', 'data-since': item.createdAt }),
          item.handledIn
            ? null
            : h('span', {
                class: 'sla',
                'data-due': item.slaDueAt,
                'data-answered': item.firstResponseAt ?? '',
              }),
          h('span', { class: 'typing-dot', 'data-typing': item.conversationId }),
        ),
      ),
    );
  }

  function render() {
    const q = queue.getSnapshot().context;
    const openId = convo.getSnapshot().context.id;
    for (const tab of tabs) tab.setAttribute('aria-selected', String(tab.dataset.view === q.filter.view));
    status.textContent = q.error
      ? `Could not load the queue: ${q.error}`
      : q.items.length === 0
        ? q.filter.view === 'waiting'
          ? 'No one is waiting. New escalations appear here as they happen.'
          : 'Nothing here.'
        : `${q.total} conversation${q.total === 1 ? '' : 's'}`;
    const focusedId = (document.activeElement as HTMLElement | null)?.dataset?.id;
    items.replaceChildren(
      ...[...q.items].sort(queueOrder).map((item) => row(item, q.unread[item.conversationId] ?? 0, openId)),
    );
    tick();
    if (focusedId)
      items.querySelector<HTMLButtonElement>(`button[data-id="${CSS.escape(focusedId)}"]`)?.focus();
  }

  /** Once a second: waiting times, SLA countdowns, typing dots. */
  function tick() {
    const now = Date.now();
    for (const node of items.querySelectorAll<HTMLElement>('.wait'))
      node.textContent = `waiting ${formatDuration(now - Date.parse(node.dataset.since ?? ''))}`;
    for (const node of items.querySelectorAll<HTMLElement>('.sla')) {
      if (node.dataset.answered) {
        node.textContent = 'answered';
        node.className = 'sla ok';
        continue;
      }
      const left = Date.parse(node.dataset.due ?? '') - now;
      node.textContent =
        left >= 0 ? `SLA ${formatDuration(left)} left` : `SLA overdue ${formatDuration(-left)}`;
      node.className = `sla ${left < 0 ? 'late' : left < 30_000 ? 'soon' : 'ok'}`;
    }
    const typing = queue.getSnapshot().context.typing;
    for (const node of items.querySelectorAll<HTMLElement>('.typing-dot'))
      node.textContent = (typing[node.dataset.typing ?? ''] ?? 0) > now ? 'typing…' : '';
  }

  /** Marks the open conversation in the list without redrawing it. */
  function markOpen(id: string | null) {
    for (const b of items.querySelectorAll<HTMLButtonElement>('button.item'))
      if (b.dataset.id === id) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
  }

  queue.subscribe(render);
  return { element, items, search, refresh, render, tick, clearSearch, markOpen };
}
export type QueueView = ReturnType<typeof queueView>;
