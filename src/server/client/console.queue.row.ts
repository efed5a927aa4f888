// One live chat in the queue list: priority, category, where it is (with whom, or in which desk), its
// subject, and the fields the once-a-second tick keeps current: waiting time, SLA countdown, typing.
import { targetLabel } from '../../handoff/handoff.target.ts';
import { label, lastVisitorLine } from './console.format.ts';
import { formatDuration, type QueueItem } from './console.store.ts';
import { h } from './dom.ts';

export function queueRow(
  item: QueueItem,
  unread: number,
  openId: string | null,
  operatorName: (id: string | null) => string | null,
) {
  const where = item.handledIn
    ? `in ${targetLabel(item.handledIn)}`
    : item.status === 'assigned'
      ? `with ${operatorName(item.assignedTo) ?? '—'}`
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

/** Waiting times, SLA countdowns and typing dots of the rows under `list`, as of `now`. */
export function tickRows(list: HTMLElement, typing: Record<string, number>, now: number) {
  for (const node of list.querySelectorAll<HTMLElement>('.wait'))
    node.textContent = `waiting ${formatDuration(now - Date.parse(node.dataset.since ?? ''))}`;
  for (const node of list.querySelectorAll<HTMLElement>('.sla')) {
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
  for (const node of list.querySelectorAll<HTMLElement>('.typing-dot'))
    node.textContent = (typing[node.dataset.typing ?? ''] ?? 0) > now ? 'typing…' : '';
}
