// The Tickets tab: support tickets as work, apart from the live queue. A list filtered by status, priority
// and assignee (most urgent first, with the first-reply SLA of FIRST_RESPONSE_SLA), and the open ticket:
// its thread, take / release, the statuses the lifecycle allows next, a reply that reaches the requester
// (chat or e-mail) or an internal note, and resolving with notes and a category. What is offered follows
// the server's `allowed` flags and `allowedStatuses`, so every button shown is one the API accepts.
// This file holds the tab's state and its round-trips to the server; the list and the detail render it.
import type { z } from 'zod';
import type { ticketReplyResponse } from '../tickets.schemas.ts';
import type { ConsoleShell } from './console.shell.ts';
import { noTicketOpen, ticketDetail } from './console.tickets.detail.ts';
import {
  renderTicketList,
  type TicketFilters,
  ticketFilters,
  ticketQuery,
  tickSla,
} from './console.tickets.list.ts';
import type { Ticket, TicketListItem } from './console.tickets.model.ts';
import { noticeLine, workPanel } from './console.work.ts';
import { h } from './dom.ts';

export { slaText } from './console.tickets.model.ts';

interface TicketsTab {
  shell: ConsoleShell;
  openConversation(id: string): void;
  filters: TicketFilters;
  list: HTMLElement;
  status: HTMLElement;
  detail: HTMLElement;
  notice: ReturnType<typeof noticeLine>;
  items: TicketListItem[];
  open: Ticket | null;
  /** A change or reply is on its way: another waits for it. */
  busy: boolean;
}

async function refresh(tab: TicketsTab) {
  try {
    const body = await tab.shell.api<{ items: TicketListItem[]; total: number }>(
      `/tickets?${ticketQuery(tab.filters)}`,
    );
    tab.items = body.items;
    tab.status.textContent = tab.items.length
      ? `${body.total} ticket${body.total === 1 ? '' : 's'}`
      : 'No tickets here. Tickets the bot or another system opens appear here.';
  } catch (e) {
    tab.status.textContent = `Could not load the tickets: ${(e as Error).message}`;
  }
  renderList(tab);
  if (tab.open) await load(tab, tab.open.id);
}

async function load(tab: TicketsTab, id: string) {
  try {
    tab.open = await tab.shell.api<Ticket>(`/tickets/${encodeURIComponent(id)}`);
  } catch (e) {
    tab.open = null;
    tab.status.textContent = `Could not open the ticket: ${(e as Error).message}`;
  }
  renderList(tab);
  renderDetail(tab);
}

/** One request at a time on the open ticket; the server's refusal is said in the notice line. */
async function whileBusy(tab: TicketsTab, run: (open: Ticket) => Promise<void>) {
  if (!tab.open || tab.busy) return;
  tab.busy = true;
  try {
    await run(tab.open);
  } catch (e) {
    tab.notice.say((e as Error).message, true);
  } finally {
    tab.busy = false;
  }
}

function change(tab: TicketsTab, body: Record<string, unknown>, done: string) {
  return whileBusy(tab, async (open) => {
    await tab.shell.api(`/tickets/${open.id}`, { method: 'PATCH', body });
    await load(tab, open.id);
    tab.notice.say(done);
    void refresh(tab);
  });
}

type ReplyResult = z.infer<typeof ticketReplyResponse>['reply'];

function replyNotice(reply: ReplyResult, isPublic: boolean) {
  if (!isPublic) return 'Note added (the requester does not see it).';
  if (reply.deliveryStatus === 'failed')
    return `Stored, but not delivered: ${reply.deliveryError ?? 'unknown error'}`;
  return reply.deliveredVia === 'chat'
    ? 'Sent to the requester in their chat.'
    : 'Sent to the requester by e-mail.';
}

function reply(tab: TicketsTab, text: string, isPublic: boolean) {
  return whileBusy(tab, async (open) => {
    const r = await tab.shell.api<z.infer<typeof ticketReplyResponse>>(`/tickets/${open.id}/replies`, {
      method: 'POST',
      body: { body: text, public: isPublic },
    });
    await load(tab, open.id);
    tab.notice.say(replyNotice(r.reply, isPublic), r.reply.deliveryStatus === 'failed');
  });
}

function renderList(tab: TicketsTab) {
  renderTicketList(tab.list, tab.items, tab.open?.id, tab.shell);
}

function renderDetail(tab: TicketsTab) {
  if (!tab.open) return tab.detail.replaceChildren(noTicketOpen());
  tab.detail.replaceChildren(
    ticketDetail(tab.open, tab.shell, tab.notice.element, {
      change: (body, done) => change(tab, body, done),
      reply: (text, isPublic) => reply(tab, text, isPublic),
      openConversation: tab.openConversation,
      say: tab.notice.say,
    }),
  );
}

export function ticketsView(shell: ConsoleShell, openConversation: (id: string) => void) {
  const filters = ticketFilters();
  const tab: TicketsTab = {
    shell,
    openConversation,
    filters,
    list: h('ul', { class: 'items', id: 'ticket-items', 'aria-label': 'Tickets' }),
    status: h('p', { class: 'queue-status muted', id: 'ticket-status', 'aria-live': 'polite' }),
    detail: h('div', { class: 'work-detail', id: 'ticket-detail' }),
    notice: noticeLine('ticket-notice'),
    items: [],
    open: null,
    busy: false,
  };
  const selects = Object.values(filters);
  const { status, list, detail } = tab;
  const element = workPanel('tickets', 'Tickets', { filters: selects, status, list, detail });
  renderDetail(tab);

  for (const select of selects) select.addEventListener('change', () => void refresh(tab));
  tab.list.addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('button.item');
    if (button?.dataset.id) void load(tab, button.dataset.id);
  });
  /** tick: once a second (from the shell), the SLA countdowns. */
  return { element, refresh: () => refresh(tab), tick: () => tickSla(tab.list, tab.items) };
}
