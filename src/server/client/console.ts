// The operator console (/console): log in, watch the queue live, open a conversation, take it, reply,
// resolve, escalate, hand back, switch the bot on or off. This file builds the shell (stores, API client,
// live events) and lays out the views: queue, conversation, findings, team and dialogs, each in its own
// file over the shared DOM helper (dom.ts). State lives in @xstate/store stores (console.store.ts); every
// piece of data is rendered as text, never as HTML.

import { ApiError, createApi } from './console.api.ts';
import { createAttention } from './console.attention.ts';
import { availabilityControl } from './console.availability.ts';
import { callbacksView } from './console.callbacks.view.ts';
import { attachCannedReplies } from './console.canned.ts';
import { cannedRepliesDialog } from './console.canned.view.ts';
import { conversationView } from './console.conversation.view.ts';
import css from './console.css';
import { helpDialog } from './console.dialogs.view.ts';
import { findingsView } from './console.findings.view.ts';
import { shortId } from './console.format.ts';
import { bindShortcuts } from './console.keys.ts';
import { loginView } from './console.login.view.ts';
import { type NoteItem, notesView } from './console.notes.view.ts';
import { queueView } from './console.queue.view.ts';
import type { ConsoleShell } from './console.shell.ts';
import {
  type Conversation,
  createAuthStore,
  createConversationStore,
  createQueueStore,
  type Message,
  type OperatorInfo,
  type Teammate,
} from './console.store.ts';
import { teamDialog } from './console.team.view.ts';
import { ticketsView } from './console.tickets.view.ts';
import tools from './console.tools.css';
import { transferView } from './console.transfer.view.ts';
import { visitorView } from './console.visitor.view.ts';
import workCss from './console.work.css';
import { $, adoptStyles, h } from './dom.ts';
import { openEventStream } from './event-stream.ts';
import theme from './theme.css';

const TOKEN_KEY = 'switchboard:console-token';

export function startConsole(root: HTMLElement) {
  adoptStyles(document, theme);
  adoptStyles(document, css);
  adoptStyles(document, workCss);
  adoptStyles(document, tools);
  const auth = createAuthStore({ token: sessionStorage.getItem(TOKEN_KEY) });
  const queue = createQueueStore();
  const convo = createConversationStore();
  let stream: { close(): void } | null = null;
  const api = createApi(
    () => auth.getSnapshot().context.token,
    () => logout('Your session has ended. Please log in again.'),
  );
  const shell: ConsoleShell = {
    auth,
    queue,
    convo,
    api,
    me: () => auth.getSnapshot().context.operator,
    operatorName: (id) =>
      id ? (auth.getSnapshot().context.operators.find((o) => o.id === id)?.displayName ?? shortId(id)) : null,
    open,
    refreshQueue: () => queueBox.refresh(),
    scheduleQueueRefresh,
    loadConversation,
    loadOperators,
    act,
  };

  const login = loginView(shell, async (token) => {
    sessionStorage.setItem(TOKEN_KEY, token);
    await enter();
  });
  const queueBox = queueView(shell);
  const visitor = visitorView(shell);
  const findings = findingsView(() => auth.getSnapshot().context.token, visitor.element);
  const conversation = conversationView(shell, {
    markOpen: queueBox.markOpen,
    findings: (data) => {
      findings.render(data);
      void visitor.render(data);
    },
  });
  // Live chats, tickets and callbacks are different work: each kind has its own tab, list and actions.
  const tickets = ticketsView(shell, (id) => shell.open(id));
  const callbacks = callbacksView(shell);
  const kinds = {
    chats: { label: 'Live chats', panel: null as HTMLElement | null, refresh: () => queueBox.refresh() },
    tickets: { label: 'Tickets', panel: tickets.element, refresh: tickets.refresh },
    callbacks: { label: 'Callbacks', panel: callbacks.element, refresh: callbacks.refresh },
  };
  type Kind = keyof typeof kinds;
  let shown: Kind = 'chats';
  const kindTabs = (Object.keys(kinds) as Kind[]).map((k) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `kind-${k}`,
        'data-kind': k,
        'aria-selected': String(k === shown),
        'aria-controls': k === 'chats' ? 'chats-panel' : `${k}-panel`,
      },
      kinds[k].label,
    ),
  );
  function showKind(next: Kind) {
    shown = next;
    for (const tab of kindTabs) tab.setAttribute('aria-selected', String(tab.dataset.kind === next));
    layoutPanel.hidden = next !== 'chats';
    tickets.element.hidden = next !== 'tickets';
    callbacks.element.hidden = next !== 'callbacks';
    void kinds[next].refresh();
  }
  for (const tab of kindTabs) tab.addEventListener('click', () => showKind(tab.dataset.kind as Kind));
  const team = teamDialog(shell);
  const help = helpDialog();
  // The operator tools, each in its own file, placed around the conversation's own elements.
  const canned = attachCannedReplies(shell, conversation.replyBox);
  const cannedAdmin = cannedRepliesDialog(shell, () => canned.invalidate());
  const notes = notesView(shell, $(conversation.element, '#transcript'));
  const transfer = transferView(shell);
  const availability = availabilityControl(shell);
  const replyForm = $(conversation.element, '#reply-form');
  replyForm.before(canned.element);
  replyForm.append(notes.toggle);
  replyForm.after(notes.form);
  $(conversation.element, '.actions').append(transfer.button);
  $(conversation.element, '#escalate-form').after(transfer.form);
  const cannedButton = h(
    'button',
    { type: 'button', class: 'link', id: 'canned-button', hidden: true, 'aria-haspopup': 'dialog' },
    'Canned replies',
  );
  const toolAlert = h('p', { class: 'tool-alert', id: 'tool-alert', role: 'status', hidden: true });
  const conn = h('span', { class: 'conn', role: 'status', 'aria-live': 'polite', id: 'conn' });
  const teamButton = h(
    'button',
    { type: 'button', class: 'link', id: 'team-button', hidden: true, 'aria-haspopup': 'dialog' },
    'Team',
  );
  const helpButton = h(
    'button',
    { type: 'button', class: 'link', id: 'help-button', 'aria-haspopup': 'dialog' },
    'Shortcuts',
  );
  const logoutButton = h('button', { type: 'button', class: 'link', id: 'logout' }, 'Log out');
  const attention = createAttention(queue);
  const alertsButton = h(
    'button',
    { type: 'button', class: 'link', id: 'alerts', 'aria-pressed': 'false' },
    'Alerts',
  );
  alertsButton.addEventListener('click', async () => {
    alertsButton.setAttribute('aria-pressed', String(await attention.toggle()));
  });
  const appView = h(
    'div',
    { class: 'app', hidden: true },
    h(
      'header',
      { class: 'top' },
      h('h1', { class: 'brand' }, 'Switchboard'),
      h('nav', { class: 'kinds', role: 'tablist', 'aria-label': 'Kind of work' }, ...kindTabs),
      conn,
      h('span', { class: 'spacer' }),
      availability.element,
      alertsButton,
      helpButton,
      cannedButton,
      teamButton,
      h('span', { class: 'me', id: 'me' }),
      logoutButton,
    ),
    toolAlert,
    h(
      'main',
      { class: 'panels' },
      h(
        'div',
        { class: 'layout', id: 'chats-panel', role: 'tabpanel', 'aria-labelledby': 'kind-chats' },
        queueBox.element,
        conversation.element,
        findings.element,
      ),
      tickets.element,
      callbacks.element,
    ),
    team.element,
    cannedAdmin.element,
    help,
  );
  root.replaceChildren(login, appView);
  // With a saved token, show nothing until /auth/me says whether it still works (no login-form flash).
  login.hidden = Boolean(auth.getSnapshot().context.token);
  teamButton.addEventListener('click', () => team.open());
  cannedButton.addEventListener('click', () => cannedAdmin.open());
  helpButton.addEventListener('click', () => help.showModal());
  logoutButton.addEventListener('click', () => logout());
  bindShortcuts(shell, {
    items: queueBox.items,
    search: queueBox.search,
    clearSearch: queueBox.clearSearch,
    replyBox: conversation.replyBox,
    takeByKey: conversation.takeByKey,
    help,
    modalOpen: () => team.element.open || help.open || cannedAdmin.element.open,
  });

  auth.subscribe(({ context: a }) => {
    appView.hidden = !a.operator;
    attention.setOperator(a.operator?.id ?? null);
    if (!a.operator) return;
    alertsButton.setAttribute('aria-pressed', String(attention.enabled()));
    $(appView, '#me').textContent = `${a.operator.displayName} · ${a.operator.role}`;
    teamButton.hidden = a.operator.role !== 'admin';
    cannedButton.hidden = a.operator.role !== 'admin';
    conn.textContent = a.connected ? 'Live' : 'Reconnecting…';
    conn.className = `conn ${a.connected ? 'on' : 'off'}`;
  });

  const layout = $(appView, '.layout');
  const layoutPanel = layout;
  convo.subscribe(({ context }) => {
    layout.dataset.open = String(Boolean(context.id));
  });
  $(findings.element, '#details-close').addEventListener('click', () => {
    layout.dataset.details = 'false';
    $(appView, '#details-toggle').setAttribute('aria-expanded', 'false');
  });

  /** Once a second: waiting times, SLA countdowns, typing lines. */
  window.setInterval(() => {
    queueBox.tick();
    conversation.tick(Date.now());
    if (shown === 'tickets') tickets.tick();
  }, 1000);
  // A safety net for anything a dropped connection hid: re-read the queue every 30 seconds.
  window.setInterval(() => {
    if (auth.getSnapshot().context.operator) void queueBox.refresh();
  }, 30_000);

  // ── session ───────────────────────────────────────────────────────────────────────────────────────
  function logout(reason?: string) {
    const token = auth.getSnapshot().context.token;
    stream?.close();
    stream = null;
    sessionStorage.removeItem(TOKEN_KEY);
    if (token && !reason)
      void fetch('/api/v1/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    auth.trigger.loggedOut({ reason });
    convo.trigger.closed();
  }

  async function enter() {
    void loadOperators();
    await queueBox.refresh();
    connect();
    const first = queueBox.items.querySelector<HTMLButtonElement>('button.item');
    (first ?? queueBox.search).focus();
    openFromHash();
  }

  async function loadOperators() {
    try {
      const { operators } = await api<{ operators: Teammate[] }>('/operators');
      auth.trigger.operatorsLoaded({ operators });
    } catch {}
  }

  function connect() {
    stream?.close();
    stream = openEventStream({
      url: '/api/v1/operator/events',
      headers: (): Record<string, string> => {
        const token = auth.getSnapshot().context.token;
        return token ? { authorization: `Bearer ${token}` } : {};
      },
      onStatus: (connected) => auth.trigger.connectionChanged({ connected }),
      onFatal: () => logout('Your session has ended. Please log in again.'),
      onEvent: (e) => {
        try {
          handleEvent(e.event, JSON.parse(e.data));
        } catch {}
      },
    });
  }

  // ── live events ───────────────────────────────────────────────────────────────────────────────────
  function handleEvent(kind: string, data: Record<string, unknown>) {
    if (kind === 'ready' || kind === 'resync') {
      auth.trigger.connectionChanged({ connected: true });
      void availability.refresh();
      void queueBox.refresh();
      const id = convo.getSnapshot().context.id;
      if (id) void loadConversation(id);
      return;
    }
    if (kind === 'typing') {
      const id = String(data.sessionId);
      const until = data.typing ? Date.now() + 6000 : 0;
      queue.trigger.typing({ conversationId: id, until });
      convo.trigger.visitorTyping({ id, until });
      return;
    }
    if (kind === 'queue') {
      scheduleQueueRefresh(100);
      // A new ticket, a requester's answer, a callback whose window opened: the open work tab follows.
      if (shown !== 'chats') scheduleWorkRefresh();
      // Out of this agent's reach now (a colleague took it, or they transferred it): the open view stays
      // as it was, read-only, and says so (a re-read would only answer 403).
      const payload = data.payload as { reason?: unknown } | undefined;
      if (payload?.reason === 'out_of_reach') convo.trigger.outOfReach({ id: String(data.sessionId) });
      return;
    }
    if (kind === 'note') {
      noteArrived(data as unknown as NoteItem);
      return;
    }
    if (kind === 'team') {
      void loadOperators();
      if (data.operatorId === shell.me()?.id) void availability.refresh();
      return;
    }
    if (kind !== 'turn') return;
    const id = String(data.sessionId);
    const state = String(data.state);
    const messages = (data.messages as Message[]) ?? [];
    const open = convo.getSnapshot().context;
    const known = queue.getSnapshot().context.items.some((i) => i.conversationId === id);
    if (open.id === id) {
      const before = open.conversation?.state;
      convo.trigger.turn({
        id,
        seq: Number(data.seq),
        state,
        owner: data.owner === 'human' ? 'human' : 'bot',
        messages,
      });
      if (before !== state) scheduleConversationRefresh();
    } else {
      const wrote = messages.filter((m) => m.role === 'visitor');
      if (wrote.length && (known || state.startsWith('escalated'))) {
        queue.trigger.visitorWrote({ conversationId: id, count: wrote.length });
        const fresh = state === 'escalated.queued' && !known;
        attention.alert(
          fresh ? 'New chat waiting' : 'New visitor message',
          wrote.at(-1)?.text.slice(0, 120) ?? '',
          id,
        );
      }
    }
    if (known || state.startsWith('escalated')) {
      scheduleQueueRefresh(150);
      // The escalation row is written by the handoff worker just after the turn: look again shortly.
      if (state === 'escalated.queued' && !known) scheduleQueueRefresh(1200, 'late');
    }
  }

  /** A note from any operator; a transfer to me is announced (and alerts, when alerts are on). */
  function noteArrived(note: NoteItem) {
    notes.received(note);
    if (note.kind !== 'transfer' || note.toAgentId !== shell.me()?.id || note.authorId === shell.me()?.id)
      return;
    const from = shell.operatorName(note.authorId) ?? 'A colleague';
    const openIt = h('button', { type: 'button', class: 'link', id: 'tool-alert-open' }, 'Open it');
    openIt.addEventListener('click', () => {
      toolAlert.hidden = true;
      open(note.conversationId);
    });
    toolAlert.replaceChildren(`${from} transferred a chat to you: “${note.text}” `, openIt);
    toolAlert.hidden = false;
    attention.alert('Chat transferred to you', note.text.slice(0, 120), note.conversationId);
    scheduleQueueRefresh(100);
  }

  const timers: Record<string, number> = {};
  function scheduleWorkRefresh() {
    clearTimeout(timers.work);
    timers.work = window.setTimeout(() => void kinds[shown].refresh(), 150);
  }
  function scheduleQueueRefresh(ms: number, key = 'queue') {
    clearTimeout(timers[key]);
    timers[key] = window.setTimeout(() => void queueBox.refresh(), ms);
  }
  function scheduleConversationRefresh() {
    clearTimeout(timers.conv);
    timers.conv = window.setTimeout(() => {
      const id = convo.getSnapshot().context.id;
      if (id) void loadConversation(id);
    }, 150);
  }

  async function loadConversation(id: string) {
    try {
      const conversation = await api<Conversation>(`/conversations/${encodeURIComponent(id)}`);
      convo.trigger.loaded({ conversation });
    } catch (e) {
      // A conversation on screen that this agent may no longer read (just transferred, or taken by a
      // colleague): keep it read-only rather than blank it with the refusal.
      const shownBefore = convo.getSnapshot().context.conversation?.conversationId === id;
      if (e instanceof ApiError && e.status === 403 && shownBefore) convo.trigger.outOfReach({ id });
      else convo.trigger.failed({ error: (e as Error).message });
    }
  }

  /** `#conversation/<id>` opens that conversation: a link an operator can share or bookmark. */
  function openFromHash() {
    const match = /^#conversation\/([\w-]{8,64})$/.exec(location.hash);
    if (match?.[1] && match[1] !== convo.getSnapshot().context.id) open(match[1]);
  }
  window.addEventListener('hashchange', () => {
    if (auth.getSnapshot().context.operator) openFromHash();
  });

  function open(id: string) {
    if (shown !== 'chats') showKind('chats');
    if (location.hash !== `#conversation/${id}`) history.replaceState(null, '', `#conversation/${id}`);
    convo.trigger.opened({ id });
    queue.trigger.read({ conversationId: id });
    void loadConversation(id);
  }

  interface TurnBody {
    seq: number;
    state: string;
    owner: 'bot' | 'human';
    messages: Message[];
  }
  async function act(path: string, body: unknown, notice?: string): Promise<boolean> {
    const id = convo.getSnapshot().context.id;
    if (!id) return false;
    convo.trigger.actionStarted();
    try {
      const turn = await api<TurnBody>(`/conversations/${encodeURIComponent(id)}/${path}`, {
        method: 'POST',
        body,
      });
      convo.trigger.turn({ id, ...turn });
      convo.trigger.actionDone({ notice });
      void loadConversation(id);
      scheduleQueueRefresh(100);
      return true;
    } catch (e) {
      convo.trigger.actionFailed({ error: (e as Error).message });
      return false;
    }
  }

  // ── start ─────────────────────────────────────────────────────────────────────────────────────────
  void (async () => {
    const token = auth.getSnapshot().context.token;
    if (!token) return auth.trigger.loggedOut({});
    try {
      const { operator } = await api<{ operator: OperatorInfo }>('/auth/me');
      auth.trigger.loggedIn({ token, operator });
      await enter();
    } catch {
      sessionStorage.removeItem(TOKEN_KEY);
      auth.trigger.loggedOut({});
    }
  })();

  return { auth, queue, convo };
}

export type { Conversation, Message };

const mount = document.getElementById('console-root');
if (mount) startConsole(mount);
