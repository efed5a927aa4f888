// The kinds of work, each a tab of the top bar with its own panel, list and actions: live chats,
// tickets and callbacks. Showing a kind re-reads its list.
import { h } from './dom.ts';

export type Kind = 'chats' | 'tickets' | 'callbacks';

const LABELS: Record<Kind, string> = { chats: 'Live chats', tickets: 'Tickets', callbacks: 'Callbacks' };
const KINDS = Object.keys(LABELS) as Kind[];

interface KindPanel {
  element: HTMLElement;
  refresh(): unknown;
}

export function workKinds(panels: Record<Kind, KindPanel>) {
  let shown: Kind = 'chats';
  const tabs = KINDS.map((k) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `kind-${k}`,
        'data-kind': k,
        'aria-selected': String(k === shown),
        'aria-controls': `${k}-panel`,
      },
      LABELS[k],
    ),
  );
  function show(next: Kind) {
    shown = next;
    for (const tab of tabs) tab.setAttribute('aria-selected', String(tab.dataset.kind === next));
    for (const k of KINDS) panels[k].element.hidden = k !== next;
    void panels[next].refresh();
  }
  for (const tab of tabs) tab.addEventListener('click', () => show(tab.dataset.kind as Kind));
  return {
    element: h('nav', { class: 'kinds', role: 'tablist', 'aria-label': 'Kind of work' }, ...tabs),
    show,
    shown: () => shown,
    refreshShown: () => void panels[shown].refresh(),
  };
}
