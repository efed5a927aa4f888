// What the Tickets and Callbacks tabs share: the panel's layout, the list's rows, an action button and the
// notice line that answers an action (the server's own message when it refuses).
import { h } from './dom.ts';

export function actionButton(id: string, text: string, onClick: () => unknown, cls?: string) {
  const b = h('button', { type: 'button', id, class: cls }, text);
  b.addEventListener('click', () => void onClick());
  return b;
}

export function noticeLine(id: string) {
  const element = h('p', { class: 'notice', id, role: 'alert' });
  return {
    element,
    say(text: string, error = false) {
      element.textContent = text;
      element.className = `notice${error ? ' error' : ''}`;
    },
    clear() {
      element.textContent = '';
    },
  };
}

/** A work tab's panel: the list column (filters, status line, rows) beside the open item's detail. */
export function workPanel(
  kind: 'tickets' | 'callbacks',
  title: string,
  parts: { filters: HTMLElement[]; status: HTMLElement; list: HTMLElement; detail: HTMLElement },
) {
  return h(
    'section',
    { class: 'work', id: `${kind}-panel`, role: 'tabpanel', 'aria-labelledby': `kind-${kind}`, hidden: true },
    h(
      'div',
      { class: 'work-list' },
      h('h2', { class: 'sr-only' }, title),
      h('div', { class: 'work-filters selects' }, ...parts.filters),
      parts.status,
      parts.list,
    ),
    parts.detail,
  );
}

/** Replaces a list's rows, keeping the focus on the row (by its `data-id`) that had it. */
export function replaceRows(list: HTMLElement, rows: HTMLElement[]) {
  const focused = (document.activeElement as HTMLElement | null)?.dataset?.id;
  list.replaceChildren(...rows);
  if (focused) list.querySelector<HTMLElement>(`button[data-id="${CSS.escape(focused)}"]`)?.focus();
}
