// The Tickets tab: support tickets as work, apart from the live queue. A list filtered by status, priority
// and assignee (most urgent first, with the first-reply SLA of FIRST_RESPONSE_SLA), and the open ticket:
// its thread, take / release, the statuses the lifecycle allows next, a reply that reaches the requester
// (chat or e-mail) or an internal note, and resolving with notes and a category. What is offered follows
// the server's `allowed` flags and `allowedStatuses`, so every button shown is one the API accepts.
import type { z } from 'zod';
import { PRIORITIES } from '../../detection/detection.constants.ts';
import { TICKET_TRANSITIONS, type TicketStatus } from '../../handoff/ticket.lifecycle.ts';
import { RESOLUTION_CATEGORIES } from '../operator.constants.ts';
import type { ticketDetail, ticketReplyResponse } from '../tickets.schemas.ts';
import { cap, clock, label } from './console.format.ts';
import type { ConsoleShell } from './console.shell.ts';
import { formatDuration } from './console.store.ts';
import { actionButton, noticeLine } from './console.work.ts';
import { h, selectBox } from './dom.ts';

type Ticket = z.infer<typeof ticketDetail>;
type TicketListItem = Omit<Ticket, 'replies' | 'satisfaction'>;
type Reply = Ticket['replies'][number];

const OPEN_WORK = 'open,in_progress,awaiting_customer';
const STATUS_NAMES: Record<TicketStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  awaiting_customer: 'Awaiting customer',
  resolved: 'Resolved',
  closed: 'Closed',
};

/** "3m left", "overdue 12m", "answered": the ticket's first-reply SLA, from its `slaDueAt`. */
export function slaText(item: Pick<TicketListItem, 'slaDueAt' | 'firstResponseAt'>, now: number) {
  if (item.firstResponseAt) return { text: 'answered', tone: 'ok' };
  const left = Date.parse(item.slaDueAt) - now;
  return left >= 0
    ? { text: `SLA ${formatDuration(left)} left`, tone: left < 5 * 60_000 ? 'soon' : 'ok' }
    : { text: `SLA overdue ${formatDuration(-left)}`, tone: 'late' };
}

export function ticketsView(shell: ConsoleShell, openConversation: (id: string) => void) {
  let items: TicketListItem[] = [];
  let open: Ticket | null = null;
  let busy = false;
  const notice = noticeLine('ticket-notice');
  const say = notice.say;

  const filterStatus = selectBox('t-status', 'Ticket status', [
    [OPEN_WORK, 'Open work'],
    ...(Object.keys(TICKET_TRANSITIONS) as TicketStatus[]).map((s) => [s, STATUS_NAMES[s]] as const),
    ['', 'Any status'],
  ]);
  const filterPriority = selectBox('t-priority', 'Ticket priority', [
    ['', 'Any priority'],
    ...PRIORITIES.map((p) => [p, cap(p)] as const),
  ]);
  const filterAssignee = selectBox('t-assignee', 'Ticket assignee', [
    ['', 'Anyone'],
    ['me', 'Mine'],
    ['none', 'Unassigned'],
  ]);
  const list = h('ul', { class: 'items', id: 'ticket-items', 'aria-label': 'Tickets' });
  const status = h('p', { class: 'queue-status muted', id: 'ticket-status', 'aria-live': 'polite' });
  const detail = h('div', { class: 'work-detail', id: 'ticket-detail' });
  const element = h(
    'section',
    {
      class: 'work',
      id: 'tickets-panel',
      role: 'tabpanel',
      'aria-labelledby': 'kind-tickets',
      hidden: true,
    },
    h(
      'div',
      { class: 'work-list' },
      h('h2', { class: 'sr-only' }, 'Tickets'),
      h('div', { class: 'work-filters selects' }, filterStatus, filterPriority, filterAssignee),
      status,
      list,
    ),
    detail,
  );
  renderDetail();

  async function refresh() {
    const params = new URLSearchParams({ pageSize: '100' });
    if (filterStatus.value) params.set('status', filterStatus.value);
    if (filterPriority.value) params.set('priority', filterPriority.value);
    if (filterAssignee.value) params.set('assignee', filterAssignee.value);
    try {
      const body = await shell.api<{ items: TicketListItem[]; total: number }>(`/tickets?${params}`);
      items = body.items;
      status.textContent = items.length
        ? `${body.total} ticket${body.total === 1 ? '' : 's'}`
        : 'No tickets here. Tickets the bot or another system opens appear here.';
    } catch (e) {
      status.textContent = `Could not load the tickets: ${(e as Error).message}`;
    }
    renderList();
    if (open) await load(open.id);
  }

  async function load(id: string) {
    try {
      open = await shell.api<Ticket>(`/tickets/${encodeURIComponent(id)}`);
    } catch (e) {
      open = null;
      status.textContent = `Could not open the ticket: ${(e as Error).message}`;
    }
    renderList();
    renderDetail();
  }

  for (const select of [filterStatus, filterPriority, filterAssignee])
    select.addEventListener('change', () => void refresh());
  list.addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('button.item');
    if (button?.dataset.id) void load(button.dataset.id);
  });

  function renderList() {
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.id;
    list.replaceChildren(
      ...items.map((t) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: `item prio-${t.priority}`,
              'data-id': t.id,
              'aria-current': open?.id === t.id ? 'true' : undefined,
              'aria-label': `${t.ticketNumber}, ${t.priority} priority, ${STATUS_NAMES[t.status]}: ${t.subject}`,
            },
            h(
              'span',
              { class: 'row1' },
              h('span', { class: 'prio' }, t.priority),
              h('span', { class: 'cat' }, t.ticketNumber),
              h('span', { class: 'status', 'data-ticket-status': t.status }, STATUS_NAMES[t.status]),
            ),
            h('span', { class: 'subject' }, t.subject),
            h(
              'span',
              { class: 'row3' },
              h('span', {}, t.assignedTo ? `with ${shell.operatorName(t.assignedTo)}` : 'unassigned'),
              isOpenWork(t) ? h('span', { class: 'sla', 'data-due': t.slaDueAt }) : null,
            ),
          ),
        ),
      ),
    );
    tick();
    if (focused) list.querySelector<HTMLElement>(`button[data-id="${CSS.escape(focused)}"]`)?.focus();
  }

  const isOpenWork = (t: TicketListItem) => t.status !== 'resolved' && t.status !== 'closed';

  /** Once a second (from the shell): the SLA countdowns. */
  function tick() {
    const now = Date.now();
    for (const node of list.querySelectorAll<HTMLElement>('.sla')) {
      const item = items.find((i) => i.slaDueAt === node.dataset.due);
      if (!item) continue;
      const sla = slaText(item, now);
      node.textContent = sla.text;
      node.className = `sla ${sla.tone}`;
    }
  }

  async function change(body: Record<string, unknown>, done: string) {
    if (!open || busy) return;
    busy = true;
    try {
      await shell.api(`/tickets/${open.id}`, { method: 'PATCH', body });
      await load(open.id);
      say(done);
      void refresh();
    } catch (e) {
      say((e as Error).message, true);
    } finally {
      busy = false;
    }
  }

  async function reply(text: string, isPublic: boolean) {
    if (!open || busy) return;
    busy = true;
    try {
      const r = await shell.api<z.infer<typeof ticketReplyResponse>>(`/tickets/${open.id}/replies`, {
        method: 'POST',
        body: { body: text, public: isPublic },
      });
      await load(open.id);
      say(
        !isPublic
          ? 'Note added (the requester does not see it).'
          : r.reply.deliveryStatus === 'failed'
            ? `Stored, but not delivered: ${r.reply.deliveryError ?? 'unknown error'}`
            : r.reply.deliveredVia === 'chat'
              ? 'Sent to the requester in their chat.'
              : 'Sent to the requester by e-mail.',
        r.reply.deliveryStatus === 'failed',
      );
    } catch (e) {
      say((e as Error).message, true);
    } finally {
      busy = false;
    }
  }

  function renderDetail() {
    if (!open) {
      detail.replaceChildren(
        h(
          'div',
          { class: 'empty' },
          h('h2', {}, 'No ticket open'),
          h('p', {}, 'Pick a ticket from the list: the most urgent, oldest ticket is at the top.'),
        ),
      );
      return;
    }
    const t = open;
    const requester = [t.customerEmail, t.sourcePhoneNumber, t.customerId].filter(Boolean).join(' · ');
    const actions = h('div', { class: 'actions' });
    if (t.allowed.take)
      actions.append(
        actionButton(
          'ticket-take',
          'Take',
          () => change({ assignee: 'me' }, 'Taken: it is yours.'),
          'primary',
        ),
      );
    if (t.allowed.release && t.allowed.change && t.allowedStatuses.length)
      actions.append(
        actionButton('ticket-release', 'Release', () => change({ assignee: null }, 'Released.')),
      );
    const moves = t.allowedStatuses.filter((s) => s !== 'resolved');
    if (t.allowed.change && moves.length) {
      const to = selectBox(
        'ticket-move-to',
        null,
        moves.map((s) => [s, STATUS_NAMES[s]] as const),
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

    const parts: HTMLElement[] = [
      h(
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
      ),
      notice.element,
      h(
        'dl',
        { class: 'work-facts' },
        h('dt', {}, 'Requester'),
        h('dd', {}, requester || '—'),
        h('dt', {}, 'Channel'),
        h('dd', {}, label(t.channel)),
        h('dt', {}, 'Category'),
        h('dd', {}, label(t.category ?? 'other')),
        h('dt', {}, 'Opened'),
        h('dd', {}, new Date(t.createdAt).toLocaleString()),
        t.escalationReason ? h('dt', {}, 'Why') : null,
        t.escalationReason ? h('dd', {}, t.escalationReason) : null,
        t.resolutionNotes ? h('dt', {}, 'Resolution') : null,
        t.resolutionNotes
          ? h(
              'dd',
              { id: 'ticket-resolution' },
              `${t.resolutionNotes} (${label(t.resolutionCategory ?? 'other')})`,
            )
          : null,
        t.satisfaction ? h('dt', {}, 'Rating') : null,
        t.satisfaction
          ? h(
              'dd',
              { id: 'ticket-rating' },
              `${t.satisfaction.rating}/5${t.satisfaction.comment ? ` — “${t.satisfaction.comment}”` : ''}`,
            )
          : null,
      ),
    ];
    if (t.sessionId) {
      const id = t.sessionId;
      parts.push(
        h(
          'p',
          {},
          actionButton(
            'ticket-conversation',
            'Open the conversation',
            () => openConversation(id),
            'link-button',
          ),
        ),
      );
    }
    if (t.description) parts.push(h('p', { class: 'work-description' }, t.description));
    parts.push(
      h('ol', { class: 'thread', id: 'ticket-thread', 'aria-label': 'Thread' }, ...t.replies.map(replyRow)),
    );
    if (t.allowed.reply && t.status !== 'closed') parts.push(replyForm());
    if (t.allowed.change && t.allowedStatuses.includes('resolved')) parts.push(resolveForm());
    detail.replaceChildren(h('div', { class: 'conv' }, ...parts));
  }

  function replyRow(r: Reply) {
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

  function replyForm() {
    const text = h('textarea', { id: 'ticket-reply', rows: '3', required: true });
    const note = h('input', { type: 'checkbox', id: 'ticket-note' });
    const form = h(
      'form',
      { class: 'inline-form', id: 'ticket-reply-form', 'aria-label': 'Reply' },
      h('label', { for: 'ticket-reply' }, 'Reply to the requester'),
      text,
      h('label', { class: 'check' }, note, ' Internal note (the requester does not see it)'),
      h('div', { class: 'form-buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Send')),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (text.value.trim()) void reply(text.value.trim(), !note.checked);
    });
    return form;
  }

  function resolveForm() {
    const notes = h('textarea', { id: 'ticket-resolve-notes', rows: '2', required: true });
    const category = selectBox(
      'ticket-resolve-category',
      null,
      RESOLUTION_CATEGORIES.map((c) => [c, label(c)] as const),
    );
    const form = h(
      'form',
      { class: 'inline-form', id: 'ticket-resolve-form', 'aria-label': 'Resolve the ticket' },
      h('label', { for: 'ticket-resolve-notes' }, 'Resolution notes'),
      notes,
      h('label', { for: 'ticket-resolve-category' }, 'Resolution'),
      category,
      h('div', { class: 'form-buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Resolve')),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!notes.value.trim()) return say('Say what was done before you resolve the ticket.', true);
      void change(
        { status: 'resolved', resolutionNotes: notes.value.trim(), resolutionCategory: category.value },
        'Resolved: the requester is told and asked to rate it.',
      );
    });
    return form;
  }

  return { element, refresh, tick };
}
