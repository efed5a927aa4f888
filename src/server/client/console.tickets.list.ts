// The Tickets tab's list: its filters (status, priority, assignee) and one row per ticket, the most urgent
// first as the server sorts them, each with its first-reply SLA counting down.
import { PRIORITIES } from '../../detection/detection.constants.ts';
import { TICKET_TRANSITIONS, type TicketStatus } from '../../handoff/ticket.lifecycle.ts';
import { cap } from './console.format.ts';
import type { ConsoleShell } from './console.shell.ts';
import {
  isOpenWork,
  OPEN_WORK,
  STATUS_NAMES,
  slaText,
  type TicketListItem,
} from './console.tickets.model.ts';
import { replaceRows } from './console.work.ts';
import { h, selectBox } from './dom.ts';

export function ticketFilters() {
  return {
    status: selectBox('t-status', 'Ticket status', [
      [OPEN_WORK, 'Open work'],
      ...(Object.keys(TICKET_TRANSITIONS) as TicketStatus[]).map((s) => [s, STATUS_NAMES[s]] as const),
      ['', 'Any status'],
    ]),
    priority: selectBox('t-priority', 'Ticket priority', [
      ['', 'Any priority'],
      ...PRIORITIES.map((p) => [p, cap(p)] as const),
    ]),
    assignee: selectBox('t-assignee', 'Ticket assignee', [
      ['', 'Anyone'],
      ['me', 'Mine'],
      ['none', 'Unassigned'],
    ]),
  };
}

export type TicketFilters = ReturnType<typeof ticketFilters>;

/** The list's query: the filters that are set. */
export function ticketQuery(filters: TicketFilters): URLSearchParams {
  const params = new URLSearchParams({ pageSize: '100' });
  if (filters.status.value) params.set('status', filters.status.value);
  if (filters.priority.value) params.set('priority', filters.priority.value);
  if (filters.assignee.value) params.set('assignee', filters.assignee.value);
  return params;
}

function ticketRow(t: TicketListItem, current: boolean, shell: ConsoleShell) {
  return h(
    'li',
    {},
    h(
      'button',
      {
        type: 'button',
        class: `item prio-${t.priority}`,
        'data-id': t.id,
        'aria-current': current ? 'true' : undefined,
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
  );
}

/** Redraws the rows, keeping the focus on the row that had it. */
export function renderTicketList(
  list: HTMLElement,
  items: TicketListItem[],
  openId: string | undefined,
  shell: ConsoleShell,
) {
  replaceRows(
    list,
    items.map((t) => ticketRow(t, openId === t.id, shell)),
  );
  tickSla(list, items);
}

/** The SLA countdowns of the rows, brought up to now. */
export function tickSla(list: HTMLElement, items: TicketListItem[]) {
  const now = Date.now();
  for (const node of list.querySelectorAll<HTMLElement>('.sla')) {
    const item = items.find((i) => i.slaDueAt === node.dataset.due);
    if (!item) continue;
    const sla = slaText(item, now);
    node.textContent = sla.text;
    node.className = `sla ${sla.tone}`;
  }
}
