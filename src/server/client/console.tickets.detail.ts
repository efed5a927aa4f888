// The open ticket: its head (number, subject, status, priority, who has it) with the moves the server
// allows, the facts, the thread, and the reply and resolve forms when they apply. Rendering only: what
// the buttons do arrives as TicketMoves.
import { clock, label } from './console.format.ts';
import type { ConsoleShell } from './console.shell.ts';
import { replyForm, resolveForm } from './console.tickets.forms.ts';
import { type Reply, STATUS_NAMES, type Ticket } from './console.tickets.model.ts';
import { actionButton } from './console.work.ts';
import { h, selectBox } from './dom.ts';

export interface TicketMoves {
  /** PATCHes the ticket; `done` is said when it worked. */
  change(body: Record<string, unknown>, done: string): Promise<void>;
  reply(text: string, isPublic: boolean): Promise<void>;
  openConversation(id: string): void;
  say(text: string, error?: boolean): void;
}

export function noTicketOpen() {
  return h(
    'div',
    { class: 'empty' },
    h('h2', {}, 'No ticket open'),
    h('p', {}, 'Pick a ticket from the list: the most urgent, oldest ticket is at the top.'),
  );
}

/** Take, Release and a status move, as the server's `allowed` flags and `allowedStatuses` permit. */
function ticketActions(t: Ticket, moves: TicketMoves) {
  const { change } = moves;
  const actions = h('div', { class: 'actions' });
  if (t.allowed.take)
    actions.append(
      actionButton('ticket-take', 'Take', () => change({ assignee: 'me' }, 'Taken: it is yours.'), 'primary'),
    );
  if (t.allowed.release && t.allowed.change && t.allowedStatuses.length)
    actions.append(actionButton('ticket-release', 'Release', () => change({ assignee: null }, 'Released.')));
  const statuses = t.allowedStatuses.filter((s) => s !== 'resolved');
  if (t.allowed.change && statuses.length) {
    const to = selectBox(
      'ticket-move-to',
      null,
      statuses.map((s) => [s, STATUS_NAMES[s]] as const),
    );
    actions.append(
      h(
        'span',
        { class: 'assign' },
        h('label', { for: 'ticket-move-to' }, 'Status'),
        to,
        actionButton('ticket-move', 'Move', () =>
          change({ status: to.value }, `Now ${STATUS_NAMES[to.value as Ticket['status']]}.`),
        ),
      ),
    );
  }
  return actions;
}

function ticketHead(t: Ticket, shell: ConsoleShell, actions: HTMLElement) {
  return h(
    'div',
    { class: 'conv-head' },
    h(
      'div',
      { class: 'conv-title' },
      h('h2', { id: 'ticket-title' }, `${t.ticketNumber} · ${t.subject}`),
      h('span', { class: 'badge', id: 'ticket-state', 'data-state': t.status }, STATUS_NAMES[t.status]),
      h('span', { class: `prio-text prio-${t.priority}` }, `${t.priority} priority`),
      h(
        'span',
        { class: 'muted', id: 'ticket-assignee' },
        t.assignedTo ? `with ${shell.operatorName(t.assignedTo)}` : 'nobody has it yet',
      ),
    ),
    actions,
  );
}

function ticketFacts(t: Ticket) {
  const requester = [t.customerEmail, t.sourcePhoneNumber, t.customerId].filter(Boolean).join(' · ');
  const fact = (name: string, value: string, id?: string) => [h('dt', {}, name), h('dd', { id }, value)];
  return h(
    'dl',
    { class: 'work-facts' },
    ...fact('Requester', requester || '—'),
    ...fact('Channel', label(t.channel)),
    ...fact('Category', label(t.category ?? 'other')),
    ...fact('Opened', new Date(t.createdAt).toLocaleString()),
    ...(t.escalationReason ? fact('Why', t.escalationReason) : []),
    ...(t.resolutionNotes
      ? fact(
          'Resolution',
          `${t.resolutionNotes} (${label(t.resolutionCategory ?? 'other')})`,
          'ticket-resolution',
        )
      : []),
    ...(t.satisfaction
      ? fact(
          'Rating',
          `${t.satisfaction.rating}/5${t.satisfaction.comment ? ` — “${t.satisfaction.comment}”` : ''}`,
          'ticket-rating',
        )
      : []),
  );
}

function replyRow(r: Reply, shell: ConsoleShell) {
  const who =
    r.authorType === 'customer'
      ? 'Requester'
      : r.authorType === 'system'
        ? 'System'
        : (r.authorName ?? shell.operatorName(r.authorId) ?? 'Agent');
  const how = !r.public
    ? 'internal note'
    : r.authorType === 'customer'
      ? 'in the chat'
      : r.deliveryStatus === 'failed'
        ? `not delivered: ${r.deliveryError ?? ''}`
        : `sent by ${r.deliveredVia === 'chat' ? 'chat' : 'e-mail'}`;
  return h(
    'li',
    { class: `reply ${r.authorType}${r.public ? '' : ' note'}`, 'data-author': r.authorType },
    h('span', { class: 'who' }, `${who} · ${clock(r.createdAt)} · ${how}`),
    h('p', {}, r.body),
  );
}

export function ticketDetail(t: Ticket, shell: ConsoleShell, notice: HTMLElement, moves: TicketMoves) {
  const parts: HTMLElement[] = [ticketHead(t, shell, ticketActions(t, moves)), notice, ticketFacts(t)];
  if (t.sessionId) {
    const id = t.sessionId;
    parts.push(
      h(
        'p',
        {},
        actionButton(
          'ticket-conversation',
          'Open the conversation',
          () => moves.openConversation(id),
          'link-button',
        ),
      ),
    );
  }
  if (t.description) parts.push(h('p', { class: 'work-description' }, t.description));
  parts.push(
    h(
      'ol',
      { class: 'thread', id: 'ticket-thread', 'aria-label': 'Thread' },
      ...t.replies.map((r) => replyRow(r, shell)),
    ),
  );
  if (t.allowed.reply && t.status !== 'closed')
    parts.push(replyForm((text, isPublic) => void moves.reply(text, isPublic)));
  if (t.allowed.change && t.allowedStatuses.includes('resolved'))
    parts.push(
      resolveForm(
        (resolution) =>
          void moves.change(
            { status: 'resolved', ...resolution },
            'Resolved: the requester is told and asked to rate it.',
          ),
        () => moves.say('Say what was done before you resolve the ticket.', true),
      ),
    );
  return h('div', { class: 'conv' }, ...parts);
}
