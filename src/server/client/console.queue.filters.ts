// The queue's controls: the view tabs (waiting, mine, all open, closed), the search box and the
// priority and category filters, each change written to the queue store and followed by a re-read;
// and the query they make for GET /escalations.
import { CATEGORIES, PRIORITIES } from '../../detection/detection.constants.ts';
import type { ESCALATION_STATUSES } from '../../storage/schema/index.ts';
import { cap } from './console.format.ts';
import type { QueueFilter, QueueStore } from './console.store.ts';
import { h, selectBox } from './dom.ts';

type EscalationStatus = (typeof ESCALATION_STATUSES)[number];
const VIEWS: ReadonlyArray<readonly [QueueFilter['view'], string, EscalationStatus[]]> = [
  ['waiting', 'Waiting', ['queued']],
  ['mine', 'Mine', ['assigned']],
  ['active', 'All open', ['queued', 'assigned']],
  ['closed', 'Closed', ['resolved', 'handed_back', 'failed']],
];

/** Live chats only: tickets and callbacks have their own tabs. */
export function queueQuery(f: QueueFilter): URLSearchParams {
  const params = new URLSearchParams({ pageSize: '100' });
  params.set('status', (VIEWS.find((v) => v[0] === f.view)?.[2] ?? ['queued']).join(','));
  if (f.view === 'mine') params.set('assignedTo', 'me');
  if (f.q) params.set('q', f.q);
  if (f.priority) params.set('priority', f.priority);
  if (f.category) params.set('category', f.category);
  params.set('channel', 'instant_chat');
  return params;
}

export function queueFilters(queue: QueueStore, refresh: () => Promise<void>) {
  const search = h('input', { id: 'q', type: 'search', placeholder: 'Search summary, keywords, id  ( / )' });
  const tabs = VIEWS.map(([view, text]) =>
    h('button', { type: 'button', role: 'tab', 'data-view': view, 'aria-selected': 'false' }, text),
  );
  const selects = {
    priority: selectBox('f-priority', 'Priority', [
      ['', 'Any priority'],
      ...PRIORITIES.map((p) => [p, cap(p)] as const),
    ]),
    category: selectBox('f-category', 'Category', [
      ['', 'Any category'],
      ...CATEGORIES.map((c) => [c, cap(c)] as const),
    ]),
  };
  const filter = (change: Partial<QueueFilter>) => {
    queue.trigger.filterChanged(change);
    void refresh();
  };

  for (const tab of tabs)
    tab.addEventListener('click', () => filter({ view: tab.dataset.view as QueueFilter['view'] }));
  let searchTimer = 0;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => filter({ q: search.value.trim() }), 250);
  });
  for (const [key, select] of Object.entries(selects))
    select.addEventListener('change', () => filter({ [key]: select.value }));

  /** Esc in the search box: Chromium empties it without an input event, so the filter is cleared here. */
  function clearSearch() {
    if (!search.value && !queue.getSnapshot().context.filter.q) return;
    search.value = '';
    clearTimeout(searchTimer);
    filter({ q: '' });
  }

  function render(view: QueueFilter['view']) {
    for (const tab of tabs) tab.setAttribute('aria-selected', String(tab.dataset.view === view));
  }

  return {
    tabs: h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Queue views' }, ...tabs),
    controls: h(
      'div',
      { class: 'filters' },
      h('label', { class: 'sr-only', for: 'q' }, 'Search'),
      search,
      h('div', { class: 'selects' }, selects.priority, selects.category),
    ),
    search,
    clearSearch,
    render,
  };
}
