// The Live chats panel: the queue, the open conversation and its details side by side; on a phone they
// take turns on the screen (console.css reads data-open and data-details).
import type { ConversationStore } from './console.store.ts';
import { $, h } from './dom.ts';

export function chatsPanel(
  convo: ConversationStore,
  queue: HTMLElement,
  conversation: HTMLElement,
  details: HTMLElement,
) {
  const layout = h(
    'div',
    { class: 'layout', id: 'chats-panel', role: 'tabpanel', 'aria-labelledby': 'kind-chats' },
    queue,
    conversation,
    details,
  );
  convo.subscribe(({ context }) => {
    layout.dataset.open = String(Boolean(context.id));
  });
  $(details, '#details-close').addEventListener('click', () => {
    layout.dataset.details = 'false';
    $(conversation, '#details-toggle').setAttribute('aria-expanded', 'false');
  });
  return layout;
}
