// The operator console (/console): log in, watch the queue live, open a conversation, take it, reply,
// resolve, escalate, hand back, switch the bot on or off. This file builds the shell (stores, API client,
// live events) and lays out the views: queue, conversation, findings, team and dialogs, each in its own
// file over the shared DOM helper (dom.ts). State lives in @xstate/store stores (console.store.ts); every
// piece of data is rendered as text, never as HTML.

import { createApi } from './console.api.ts';
import { createAttention } from './console.attention.ts';
import { availabilityControl } from './console.availability.ts';
import { callbacksView } from './console.callbacks.view.ts';
import { conversationView } from './console.conversation.view.ts';
import css from './console.css';
import { helpDialog } from './console.dialogs.view.ts';
import { findingsView } from './console.findings.view.ts';
import { topBar } from './console.header.ts';
import { bindShortcuts } from './console.keys.ts';
import { workKinds } from './console.kinds.ts';
import { chatsPanel } from './console.layout.ts';
import { openLiveEvents } from './console.live.ts';
import { loginView } from './console.login.view.ts';
import { createShell, followHash, openFromHash } from './console.moves.ts';
import type { NoteItem } from './console.notes.view.ts';
import { queueView } from './console.queue.view.ts';
import { createSession, resumeSession, SESSION_ENDED, savedToken, saveToken } from './console.session.ts';
import type { ConsoleShell } from './console.shell.ts';
import {
  type Conversation,
  createAuthStore,
  createConversationStore,
  createQueueStore,
  type Message,
} from './console.store.ts';
import { teamDialog } from './console.team.view.ts';
import { ticketsView } from './console.tickets.view.ts';
import { keyedTimers } from './console.timers.ts';
import tools from './console.tools.css';
import { placeOperatorTools } from './console.tools.ts';
import { transferAlert } from './console.transfer.alert.ts';
import { visitorView } from './console.visitor.view.ts';
import workCss from './console.work.css';
import { adoptStyles, h } from './dom.ts';
import theme from './theme.css';

export function startConsole(root: HTMLElement) {
  for (const sheet of [theme, css, workCss, tools]) adoptStyles(document, sheet);
  const auth = createAuthStore({ token: savedToken() });
  const queue = createQueueStore();
  const convo = createConversationStore();
  const session = createSession(auth, convo);
  const api = createApi(
    () => auth.getSnapshot().context.token,
    () => session.logout(SESSION_ENDED),
  );
  const later = keyedTimers();
  // The views below are built with the shell; it reaches the queue and the tabs once they exist.
  const shell = createShell(
    { auth, queue, convo, api },
    {
      refreshQueue: () => queueBox.refresh(),
      scheduleQueueRefresh: (ms, key = 'queue') => later(key, ms, () => void queueBox.refresh()),
      showChats: () => {
        if (kinds.shown() !== 'chats') kinds.show('chats');
      },
    },
  );

  const login = loginView(shell, async (token) => {
    saveToken(token);
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
  const tickets = ticketsView(shell, (id) => shell.open(id));
  const callbacks = callbacksView(shell);
  const team = teamDialog(shell);
  const help = helpDialog();
  const { cannedAdmin, notes } = placeOperatorTools(shell, conversation);
  const availability = availabilityControl(shell);
  const chats = chatsPanel(convo, queueBox.element, conversation.element, findings.element);
  const kinds = workKinds({
    chats: { element: chats, refresh: () => queueBox.refresh() },
    tickets,
    callbacks,
  });
  const attention = createAttention(queue);
  const transferred = transferAlert(shell, attention);
  const header = topBar({
    kinds: kinds.element,
    availability: availability.element,
    attention,
    openHelp: () => help.showModal(),
    openCanned: () => cannedAdmin.open(),
    openTeam: () => team.open(),
    logout: () => session.logout(),
  });
  const appView = h(
    'div',
    { class: 'app', hidden: true },
    header.element,
    transferred.element,
    h('main', { class: 'panels' }, chats, tickets.element, callbacks.element),
    team.element,
    cannedAdmin.element,
    help,
  );
  root.replaceChildren(login, appView);
  // With a saved token, show nothing until /auth/me says whether it still works (no login-form flash).
  login.hidden = Boolean(auth.getSnapshot().context.token);
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
    header.render(a);
  });

  startClocks(shell, { queueBox, conversation, tickets, kinds });

  const live = {
    shell,
    availability,
    attention,
    kinds,
    later,
    noteArrived: (note: NoteItem) => {
      notes.received(note);
      transferred.announce(note);
    },
  };
  /** Logged in: the operator list, the queue, the live stream, the focus, and a linked conversation. */
  async function enter() {
    void shell.loadOperators();
    await queueBox.refresh();
    session.replaceStream(() => openLiveEvents(live, () => session.logout(SESSION_ENDED)));
    const first = queueBox.items.querySelector<HTMLButtonElement>('button.item');
    (first ?? queueBox.search).focus();
    openFromHash(shell);
  }
  followHash(shell);
  void resumeSession(auth, api, enter);

  return { auth, queue, convo };
}

/** Once a second: waiting times, SLA countdowns, typing lines. */
function startClocks(
  shell: ConsoleShell,
  views: {
    queueBox: { tick(): void; refresh(): Promise<void> };
    conversation: { tick(now: number): void };
    tickets: { tick(): void };
    kinds: { shown(): string };
  },
) {
  const { queueBox, conversation, tickets, kinds } = views;
  window.setInterval(() => {
    queueBox.tick();
    conversation.tick(Date.now());
    if (kinds.shown() === 'tickets') tickets.tick();
  }, 1000);
  // A safety net for anything a dropped connection hid: re-read the queue every 30 seconds.
  window.setInterval(() => {
    if (shell.auth.getSnapshot().context.operator) void queueBox.refresh();
  }, 30_000);
}

export type { Conversation, Message };

const mount = document.getElementById('console-root');
if (mount) startConsole(mount);
