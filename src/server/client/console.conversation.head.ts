// The conversation's title row: who the visitor is, the short id, the state badge and who has the chat
// now; on a phone also Back (to the queue) and Details (the findings panel).
import { hasEnded, shortId, stateName, visitorName } from './console.format.ts';
import type { ConversationStore, OpenConversation, OperatorInfo } from './console.store.ts';
import { h } from './dom.ts';

export function conversationHead(convo: ConversationStore) {
  const back = h(
    'button',
    { type: 'button', class: 'phone-only', id: 'back', 'aria-label': 'Back to the queue' },
    '←',
  );
  const title = h('h2', { id: 'conv-title' });
  const shortName = h('span', { class: 'muted conv-id', id: 'conv-id' });
  const stateBadge = h('span', { class: 'badge', id: 'conv-state' });
  const assignee = h('span', { class: 'muted', id: 'conv-assignee' });
  const details = h(
    'button',
    { type: 'button', class: 'phone-only', id: 'details-toggle', 'aria-expanded': 'false' },
    'Details',
  );
  const element = h('div', { class: 'conv-title' }, back, title, shortName, stateBadge, assignee, details);

  // On a phone the queue, the conversation and the details take turns on the screen (console.css).
  back.addEventListener('click', () => {
    history.replaceState(null, '', location.pathname);
    convo.trigger.closed();
  });
  details.addEventListener('click', () => {
    const layout = element.closest<HTMLElement>('.layout');
    const show = layout?.dataset.details !== 'true';
    if (layout) layout.dataset.details = String(show);
    details.setAttribute('aria-expanded', String(show));
  });

  function render(c: OpenConversation & { id: string }, self: OperatorInfo | null) {
    const data = c.conversation;
    title.textContent = data ? visitorName(data.findings.visitor) : '';
    shortName.textContent = `#${shortId(c.id)}`;
    stateBadge.textContent = data ? stateName(data.state) : c.loading ? 'loading…' : '';
    stateBadge.dataset.state = data?.state ?? '';
    stateBadge.className = `badge state-${(data?.state ?? '').replace(/\W/g, '-')}`;
    // Who has it now: the badge already says "Waiting for an agent"; after a hand-back the bot has it,
    // whoever was assigned before.
    const withAgent = data?.state === 'escalated.assigned' || data?.state === 'escalated.closed';
    assignee.textContent =
      data?.assignedAgent && withAgent
        ? `${data.state === 'escalated.closed' ? 'resolved by' : 'assigned to'} ${data.assignedAgent.id === self?.id ? 'you' : (data.assignedAgent.displayName ?? shortId(data.assignedAgent.id))}`
        : data?.owner === 'bot' && !hasEnded(data.state)
          ? 'the bot is answering'
          : '';
  }
  return { element, render };
}
