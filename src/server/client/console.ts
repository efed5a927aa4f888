// The operator console (/console): log in, watch the queue live, open a conversation, take it, reply,
// resolve, escalate, hand back, switch the bot on or off. Plain DOM; state in @xstate/store stores
// (console.store.ts). Every piece of data is rendered with textContent, never as HTML.

import { targetLabel } from '../../handoff/handoff.target.ts';
import {
  type AuthStore,
  type Conversation,
  type ConversationStore,
  createAuthStore,
  createConversationStore,
  createQueueStore,
  formatDuration,
  type Message,
  type OperatorInfo,
  type QueueFilter,
  type QueueItem,
  type QueueStore,
  queueOrder,
} from './console.store.ts';
import { openEventStream } from './event-stream.ts';

const TOKEN_KEY = 'switchboard:console-token';
const RESOLUTION_CATEGORIES: Array<[string, string]> = [
  ['solved', 'Solved'],
  ['workaround', 'Workaround given'],
  ['refund_issued', 'Refund issued'],
  ['replacement_sent', 'Replacement sent'],
  ['account_fixed', 'Account fixed'],
  ['not_reproducible', 'Not reproducible'],
  ['duplicate', 'Duplicate'],
  ['customer_unresponsive', 'Customer unresponsive'],
  ['other', 'Other'],
];
const CATEGORIES = ['login', 'payment', 'delivery', 'refund', 'technical', 'other'];
const VIEWS: Array<[QueueFilter['view'], string, string]> = [
  ['waiting', 'Waiting', 'queued'],
  ['mine', 'Mine', 'assigned'],
  ['active', 'All open', 'queued,assigned'],
  ['closed', 'Closed', 'resolved,handed_back,failed'],
];

// ── tiny DOM helpers: attributes and text only, never HTML ──────────────────────────────────────────
type Child = Node | string | null | undefined | false;
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}
const $ = <T extends Element = HTMLElement>(root: ParentNode, selector: string) => {
  const found = root.querySelector<T & Element>(selector);
  if (!found) throw new Error(`missing ${selector}`);
  return found as T;
};
const shortId = (id: string) => id.slice(0, 8);
const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const label = (s: string | null | undefined) => (s ? s.replace(/_/g, ' ') : '—');
/** Only web links from a vendor's answer become clickable (never javascript: or data: URLs). */
const webLink = (url: string | null) => (url && /^https?:\/\//i.test(url) ? url : null);
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** What a conversation's state means to an operator. */
function stateName(state: string): string {
  if (state === 'escalated.queued') return 'Waiting for an agent';
  if (state === 'escalated.assigned') return 'With an agent';
  if (state === 'escalated.closed') return 'Resolved';
  return `Bot: ${label(state)}`;
}

// ── API client ──────────────────────────────────────────────────────────────────────────────────────
class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

export function startConsole(root: HTMLElement) {
  const auth: AuthStore = createAuthStore({ token: sessionStorage.getItem(TOKEN_KEY) });
  const queue: QueueStore = createQueueStore();
  const convo: ConversationStore = createConversationStore();
  let stream: { close(): void } | null = null;

  async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const token = auth.getSnapshot().context.token;
    const res = await fetch(`/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    const body = text ? (JSON.parse(text) as T & { error?: { message?: string; code?: string } }) : ({} as T);
    if (!res.ok) {
      const error = (body as { error?: { message?: string; code?: string } }).error;
      if (res.status === 401 && path !== '/auth/login')
        logout('Your session has ended. Please log in again.');
      throw new ApiError(error?.message ?? `HTTP ${res.status}`, res.status, error?.code ?? 'error');
    }
    return body;
  }

  // ── layout ──────────────────────────────────────────────────────────────────────────────────────
  const loginView = h(
    'main',
    { class: 'login', 'aria-labelledby': 'login-title' },
    h(
      'form',
      { class: 'login-card', novalidate: true },
      h('h1', { id: 'login-title' }, 'Switchboard console'),
      h('p', { class: 'muted' }, 'Log in to answer the visitors waiting for a person.'),
      h('label', { for: 'login-email' }, 'E-mail'),
      h('input', {
        id: 'login-email',
        name: 'email',
        type: 'email',
        autocomplete: 'username',
        required: true,
      }),
      h('label', { for: 'login-password' }, 'Password'),
      h('input', {
        id: 'login-password',
        name: 'password',
        type: 'password',
        autocomplete: 'current-password',
        required: true,
      }),
      h('p', { class: 'error', role: 'alert', id: 'login-error' }),
      h('button', { type: 'submit', class: 'primary' }, 'Log in'),
      h(
        'p',
        { class: 'hint' },
        'No account yet? An admin creates agents under “Team”. The first admin is created on the server with ',
        h('code', {}, 'switchboard create-admin'),
        '.',
      ),
    ),
  );

  const appView = h(
    'div',
    { class: 'app', hidden: true },
    h(
      'header',
      { class: 'top' },
      h('h1', { class: 'brand' }, 'Switchboard'),
      h('span', { class: 'conn', role: 'status', 'aria-live': 'polite', id: 'conn' }),
      h('span', { class: 'spacer' }),
      h(
        'button',
        { type: 'button', class: 'link', id: 'help-button', 'aria-haspopup': 'dialog' },
        'Shortcuts',
      ),
      h(
        'button',
        { type: 'button', class: 'link', id: 'team-button', hidden: true, 'aria-haspopup': 'dialog' },
        'Team',
      ),
      h('span', { class: 'me', id: 'me' }),
      h('button', { type: 'button', class: 'link', id: 'logout' }, 'Log out'),
    ),
    h(
      'main',
      { class: 'layout' },
      h(
        'section',
        { class: 'queue', 'aria-labelledby': 'queue-title' },
        h('h2', { id: 'queue-title', class: 'sr-only' }, 'Queue'),
        h(
          'div',
          { class: 'tabs', role: 'tablist', 'aria-label': 'Queue views' },
          ...VIEWS.map(([view, text]) =>
            h('button', { type: 'button', role: 'tab', 'data-view': view, 'aria-selected': 'false' }, text),
          ),
        ),
        h(
          'div',
          { class: 'filters' },
          h('label', { class: 'sr-only', for: 'q' }, 'Search'),
          h('input', { id: 'q', type: 'search', placeholder: 'Search summary, keywords, id  ( / )' }),
          h(
            'div',
            { class: 'selects' },
            select('f-priority', 'Priority', [
              ['', 'Any priority'],
              ...['urgent', 'high', 'medium', 'low'].map((p) => [p, cap(p)] as [string, string]),
            ]),
            select('f-category', 'Category', [
              ['', 'Any category'],
              ...CATEGORIES.map((c) => [c, cap(c)] as [string, string]),
            ]),
            select('f-channel', 'Channel', [
              ['', 'Any channel'],
              ['instant_chat', 'Live chat'],
              ['callback', 'Callback'],
              ['ticket', 'Ticket'],
            ]),
          ),
        ),
        h('p', { class: 'queue-status muted', id: 'queue-status', 'aria-live': 'polite' }),
        h('ul', { class: 'items', id: 'items', 'aria-label': 'Conversations' }),
      ),
      h(
        'section',
        { class: 'conversation', 'aria-label': 'Conversation' },
        h(
          'div',
          { class: 'empty', id: 'conv-empty' },
          h('h2', {}, 'No conversation open'),
          h(
            'p',
            {},
            'Pick a conversation from the queue. The most urgent, longest-waiting visitor is at the top.',
          ),
          h(
            'p',
            { class: 'muted' },
            'Keys: j / k move in the queue · Enter opens · t takes · r replies · / searches · ? lists all.',
          ),
        ),
        h(
          'div',
          { class: 'conv', id: 'conv', hidden: true },
          h(
            'header',
            { class: 'conv-head' },
            h(
              'div',
              { class: 'conv-title' },
              h('h2', { id: 'conv-title' }),
              h('span', { class: 'badge', id: 'conv-state' }),
              h('span', { class: 'muted', id: 'conv-assignee' }),
            ),
            h(
              'div',
              { class: 'actions' },
              h(
                'button',
                {
                  type: 'button',
                  role: 'switch',
                  id: 'bot-switch',
                  'aria-checked': 'false',
                  class: 'switch',
                },
                h('span', { class: 'knob', 'aria-hidden': 'true' }),
                h('span', { class: 'switch-label' }, 'Bot'),
              ),
              h('button', { type: 'button', id: 'take', class: 'primary' }, 'Take'),
              h(
                'span',
                { id: 'assign-wrap', class: 'assign', hidden: true },
                h('label', { class: 'sr-only', for: 'assign-to' }, 'Assign to'),
                h('select', { id: 'assign-to' }),
                h('button', { type: 'button', id: 'assign' }, 'Assign'),
              ),
              h('button', { type: 'button', id: 'resolve-open' }, 'Resolve…'),
              h('button', { type: 'button', id: 'escalate-open' }, 'Escalate…'),
              h('button', { type: 'button', id: 'handback' }, 'Hand back to bot'),
            ),
          ),
          h('p', { class: 'notice', id: 'notice', role: 'alert' }),
          h(
            'form',
            { class: 'inline-form', id: 'resolve-form', hidden: true, 'aria-label': 'Resolve' },
            h('label', { for: 'resolve-notes' }, 'Resolution notes'),
            h('textarea', {
              id: 'resolve-notes',
              rows: '2',
              required: true,
              placeholder: 'What was done? (Ctrl+Enter to resolve)',
            }),
            h('label', { for: 'resolve-category' }, 'Resolution'),
            select('resolve-category', null, RESOLUTION_CATEGORIES),
            h(
              'div',
              { class: 'form-buttons' },
              h('button', { type: 'submit', class: 'primary' }, 'Resolve'),
              h('button', { type: 'button', class: 'cancel' }, 'Cancel'),
            ),
          ),
          h(
            'form',
            { class: 'inline-form', id: 'escalate-form', hidden: true, 'aria-label': 'Escalate' },
            h('label', { for: 'escalate-reason' }, 'Why does a person take over?'),
            h('input', {
              id: 'escalate-reason',
              required: true,
              minlength: '3',
              placeholder: 'e.g. VIP customer, bot is looping',
            }),
            h(
              'div',
              { class: 'form-buttons' },
              h('button', { type: 'submit', class: 'primary' }, 'Escalate'),
              h('button', { type: 'button', class: 'cancel' }, 'Cancel'),
            ),
          ),
          h('div', {
            class: 'transcript',
            id: 'transcript',
            role: 'log',
            'aria-live': 'polite',
            'aria-label': 'Transcript',
            tabindex: '0',
          }),
          h('p', { class: 'typing', id: 'visitor-typing', 'aria-live': 'polite' }),
          h(
            'form',
            { class: 'reply', id: 'reply-form' },
            h('label', { class: 'sr-only', for: 'reply' }, 'Reply to the visitor'),
            h('textarea', {
              id: 'reply',
              rows: '2',
              placeholder: 'Write a reply… (Enter sends, Shift+Enter for a new line)',
            }),
            h('button', { type: 'submit', class: 'primary', id: 'send' }, 'Send'),
          ),
        ),
      ),
      h(
        'aside',
        { class: 'findings', 'aria-labelledby': 'findings-title' },
        h('h2', { id: 'findings-title' }, 'What the bot found'),
        h('div', { id: 'findings' }, h('p', { class: 'muted' }, 'Open a conversation to see its details.')),
      ),
    ),
    teamDialog(),
    helpDialog(),
  );

  function select(id: string, text: string | null, options: Array<[string, string]>) {
    const s = h('select', { id, ...(text ? { 'aria-label': text } : {}) });
    for (const [value, name] of options) s.append(h('option', { value }, name));
    return s;
  }

  function teamDialog() {
    return h(
      'dialog',
      { id: 'team', 'aria-labelledby': 'team-title' },
      h('h2', { id: 'team-title' }, 'Team'),
      h('ul', { id: 'team-list', class: 'team-list' }),
      h(
        'form',
        { id: 'team-form', class: 'team-form' },
        h('h3', {}, 'Add an operator'),
        h('label', { for: 'new-name' }, 'Name'),
        h('input', { id: 'new-name', required: true, maxlength: '100' }),
        h('label', { for: 'new-email' }, 'E-mail'),
        h('input', { id: 'new-email', type: 'email', required: true }),
        h('label', { for: 'new-password' }, 'Password (at least 10 characters)'),
        h('input', {
          id: 'new-password',
          type: 'password',
          required: true,
          minlength: '10',
          autocomplete: 'new-password',
        }),
        h('label', { for: 'new-role' }, 'Role'),
        select('new-role', null, [
          ['agent', 'Agent'],
          ['admin', 'Admin'],
        ]),
        h('p', { class: 'error', role: 'alert', id: 'team-error' }),
        h(
          'div',
          { class: 'form-buttons' },
          h('button', { type: 'submit', class: 'primary' }, 'Add'),
          h('button', { type: 'button', class: 'cancel' }, 'Close'),
        ),
      ),
    );
  }

  function helpDialog() {
    const keys: Array<[string, string]> = [
      ['j / ↓', 'next conversation in the queue'],
      ['k / ↑', 'previous conversation'],
      ['Enter', 'open the focused conversation'],
      ['t', 'take the open conversation'],
      ['r', 'write a reply'],
      ['/', 'search the queue'],
      ['Esc', 'close a form or leave a field'],
      ['?', 'this list'],
    ];
    return h(
      'dialog',
      { id: 'help', 'aria-labelledby': 'help-title' },
      h('h2', { id: 'help-title' }, 'Keyboard shortcuts'),
      h('dl', { class: 'keys' }, ...keys.flatMap(([k, v]) => [h('dt', {}, h('kbd', {}, k)), h('dd', {}, v)])),
      h('form', { method: 'dialog' }, h('button', { class: 'primary' }, 'Close')),
    );
  }

  root.replaceChildren(loginView, appView);
  // With a saved token, show nothing until /auth/me says whether it still works (no login-form flash).
  loginView.hidden = Boolean(auth.getSnapshot().context.token);
  const items = $<HTMLUListElement>(appView, '#items');
  const transcript = $<HTMLDivElement>(appView, '#transcript');
  const replyBox = $<HTMLTextAreaElement>(appView, '#reply');
  const search = $<HTMLInputElement>(appView, '#q');

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

  $<HTMLFormElement>(loginView, 'form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const email = $<HTMLInputElement>(loginView, '#login-email').value;
    const password = $<HTMLInputElement>(loginView, '#login-password').value;
    if (!email || !password) return auth.trigger.loginFailed({ error: 'Enter your e-mail and password.' });
    auth.trigger.loginStarted();
    try {
      const body = await api<{ token: string; operator: OperatorInfo }>('/auth/login', {
        method: 'POST',
        body: { email, password },
      });
      sessionStorage.setItem(TOKEN_KEY, body.token);
      $<HTMLInputElement>(loginView, '#login-password').value = '';
      auth.trigger.loggedIn(body);
      await enter();
    } catch (e) {
      auth.trigger.loginFailed({ error: (e as Error).message });
    }
  });
  $(appView, '#logout').addEventListener('click', () => logout());

  async function enter() {
    void loadOperators();
    await refreshQueue();
    connect();
    const first = items.querySelector<HTMLButtonElement>('button.item');
    (first ?? search).focus();
  }

  async function loadOperators() {
    try {
      const { operators } = await api<{ operators: OperatorInfo[] }>('/operators');
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
      void refreshQueue();
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
      const wrote = messages.filter((m) => m.role === 'visitor').length;
      if (wrote && (known || state.startsWith('escalated')))
        queue.trigger.visitorWrote({ conversationId: id, count: wrote });
    }
    if (known || state.startsWith('escalated')) {
      scheduleQueueRefresh(150);
      // The escalation row is written by the handoff worker just after the turn: look again shortly.
      if (state === 'escalated.queued' && !known) scheduleQueueRefresh(1200, 'late');
    }
  }

  const timers: Record<string, number> = {};
  function scheduleQueueRefresh(ms: number, key = 'queue') {
    clearTimeout(timers[key]);
    timers[key] = window.setTimeout(() => void refreshQueue(), ms);
  }
  function scheduleConversationRefresh() {
    clearTimeout(timers.conv);
    timers.conv = window.setTimeout(() => {
      const id = convo.getSnapshot().context.id;
      if (id) void loadConversation(id);
    }, 150);
  }

  async function refreshQueue() {
    const f = queue.getSnapshot().context.filter;
    const params = new URLSearchParams({ pageSize: '100' });
    params.set('status', VIEWS.find((v) => v[0] === f.view)?.[2] ?? 'queued');
    if (f.view === 'mine') params.set('assignedTo', 'me');
    if (f.q) params.set('q', f.q);
    if (f.priority) params.set('priority', f.priority);
    if (f.category) params.set('category', f.category);
    if (f.channel) params.set('channel', f.channel);
    queue.trigger.loading();
    try {
      const body = await api<{ items: QueueItem[]; total: number }>(`/escalations?${params}`);
      queue.trigger.loaded({ items: body.items, total: body.total, at: Date.now() });
    } catch (e) {
      queue.trigger.failed({ error: (e as Error).message });
    }
  }

  async function loadConversation(id: string) {
    try {
      const conversation = await api<Conversation>(`/conversations/${encodeURIComponent(id)}`);
      convo.trigger.loaded({ conversation });
    } catch (e) {
      convo.trigger.failed({ error: (e as Error).message });
    }
  }

  function open(id: string) {
    convo.trigger.opened({ id });
    queue.trigger.read({ conversationId: id });
    void loadConversation(id);
  }

  // ── operator actions ──────────────────────────────────────────────────────────────────────────────
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

  const me = () => auth.getSnapshot().context.operator;
  $(appView, '#take').addEventListener('click', () => {
    const self = me();
    if (self) void act('assign', { agentId: self.id }).then((ok) => ok && replyBox.focus());
  });
  $(appView, '#assign').addEventListener('click', () => {
    const agentId = $<HTMLSelectElement>(appView, '#assign-to').value;
    if (agentId) void act('assign', { agentId });
  });
  $(appView, '#handback').addEventListener(
    'click',
    () => void act('handback', {}, 'Handed back: the bot answers again.'),
  );
  $(appView, '#bot-switch').addEventListener('click', () => {
    const c = convo.getSnapshot().context.conversation;
    if (!c) return;
    void act(
      'bot',
      { enabled: !c.botEnabled },
      c.botEnabled ? 'Bot switched off: a person owns this chat.' : 'Bot switched on.',
    );
  });
  $(appView, '#resolve-open').addEventListener('click', () => {
    convo.trigger.formOpened({ form: 'resolve' });
    $<HTMLTextAreaElement>(appView, '#resolve-notes').focus();
  });
  $(appView, '#escalate-open').addEventListener('click', () => {
    convo.trigger.formOpened({ form: 'escalate' });
    $<HTMLInputElement>(appView, '#escalate-reason').focus();
  });
  for (const form of appView.querySelectorAll<HTMLFormElement>('.inline-form'))
    $(form, '.cancel').addEventListener('click', () => convo.trigger.formOpened({ form: null }));
  const resolveForm = $<HTMLFormElement>(appView, '#resolve-form');
  resolveForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const notes = $<HTMLTextAreaElement>(appView, '#resolve-notes');
    const resolutionCategory = $<HTMLSelectElement>(appView, '#resolve-category').value;
    if (!notes.value.trim())
      return convo.trigger.actionFailed({ error: 'Write a short note on what was done.' });
    if (
      await act(
        'resolve',
        { notes: notes.value, resolutionCategory },
        'Resolved. The visitor’s next message starts a new bot conversation.',
      )
    )
      notes.value = '';
  });
  $(appView, '#resolve-notes').addEventListener('keydown', (event) => {
    const e = event as KeyboardEvent;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) resolveForm.requestSubmit();
  });
  $<HTMLFormElement>(appView, '#escalate-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const reason = $<HTMLInputElement>(appView, '#escalate-reason');
    if (
      await act(
        'escalate',
        { reason: reason.value },
        'Escalated: the bot is silent and the chat is in the queue.',
      )
    )
      reason.value = '';
  });

  let typingSentAt = 0;
  let typingStop = 0;
  function sendTyping(typing: boolean) {
    const id = convo.getSnapshot().context.id;
    if (id)
      void api(`/conversations/${encodeURIComponent(id)}/typing`, { method: 'POST', body: { typing } }).catch(
        () => {},
      );
  }
  replyBox.addEventListener('input', () => {
    if (Date.now() - typingSentAt > 3000) {
      typingSentAt = Date.now();
      sendTyping(true);
    }
    clearTimeout(typingStop);
    typingStop = window.setTimeout(() => {
      typingSentAt = 0;
      sendTyping(false);
    }, 4000);
  });
  replyBox.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $<HTMLFormElement>(appView, '#reply-form').requestSubmit();
    }
  });
  $<HTMLFormElement>(appView, '#reply-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = replyBox.value.trim();
    if (!text || convo.getSnapshot().context.busy) return;
    replyBox.value = '';
    clearTimeout(typingStop);
    typingSentAt = 0;
    const ok = await act('agent-messages', { text, clientMessageId: crypto.randomUUID() });
    if (!ok && !replyBox.value) replyBox.value = text;
    replyBox.focus();
  });

  // ── queue controls ────────────────────────────────────────────────────────────────────────────────
  for (const tab of appView.querySelectorAll<HTMLButtonElement>('[role=tab]'))
    tab.addEventListener('click', () => {
      queue.trigger.filterChanged({ view: tab.dataset.view as QueueFilter['view'] });
      void refreshQueue();
    });
  let searchTimer = 0;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => {
      queue.trigger.filterChanged({ q: search.value.trim() });
      void refreshQueue();
    }, 250);
  });
  for (const [id, key] of [
    ['#f-priority', 'priority'],
    ['#f-category', 'category'],
    ['#f-channel', 'channel'],
  ] as const)
    $<HTMLSelectElement>(appView, id).addEventListener('change', (event) => {
      queue.trigger.filterChanged({ [key]: (event.target as HTMLSelectElement).value });
      void refreshQueue();
    });
  items.addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('button.item');
    if (button?.dataset.id) open(button.dataset.id);
  });

  // ── team (admins) ─────────────────────────────────────────────────────────────────────────────────
  const team = $<HTMLDialogElement>(appView, '#team');
  $(appView, '#team-button').addEventListener('click', () => {
    void loadOperators();
    team.showModal();
  });
  $(team, '.cancel').addEventListener('click', () => team.close());
  $<HTMLFormElement>(team, '#team-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $(team, '#team-error');
    try {
      await api('/operators', {
        method: 'POST',
        body: {
          displayName: $<HTMLInputElement>(team, '#new-name').value,
          email: $<HTMLInputElement>(team, '#new-email').value,
          password: $<HTMLInputElement>(team, '#new-password').value,
          role: $<HTMLSelectElement>(team, '#new-role').value,
        },
      });
      error.textContent = '';
      $<HTMLFormElement>(team, '#team-form').reset();
      await loadOperators();
    } catch (e) {
      error.textContent = (e as Error).message;
    }
  });
  const help = $<HTMLDialogElement>(appView, '#help');
  $(appView, '#help-button').addEventListener('click', () => help.showModal());

  // ── keyboard ──────────────────────────────────────────────────────────────────────────────────────
  document.addEventListener('keydown', (event) => {
    if (!auth.getSnapshot().context.operator || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement;
    const typingInField = target.matches('input, textarea, select, [contenteditable]');
    if (event.key === 'Escape') {
      if (convo.getSnapshot().context.form) convo.trigger.formOpened({ form: null });
      if (typingInField) target.blur();
      return;
    }
    if (typingInField || team.open || help.open) return;
    const buttons = [...items.querySelectorAll<HTMLButtonElement>('button.item')];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const move = (delta: number) => {
      event.preventDefault();
      const next = buttons[Math.max(0, Math.min(buttons.length - 1, index + delta))] ?? buttons[0];
      next?.focus();
    };
    switch (event.key) {
      case 'j':
      case 'ArrowDown':
        if (index >= 0 || event.key === 'j') move(index < 0 ? 0 : 1);
        break;
      case 'k':
      case 'ArrowUp':
        if (index >= 0 || event.key === 'k') move(index < 0 ? 0 : -1);
        break;
      case '/':
        event.preventDefault();
        search.focus();
        break;
      case 't':
        if (!$<HTMLButtonElement>(appView, '#take').disabled) $<HTMLButtonElement>(appView, '#take').click();
        break;
      case 'r':
        if (!replyBox.disabled && convo.getSnapshot().context.id) {
          event.preventDefault();
          replyBox.focus();
        }
        break;
      case '?':
        help.showModal();
        break;
    }
  });

  // ── rendering ─────────────────────────────────────────────────────────────────────────────────────
  auth.subscribe(({ context: a }) => {
    const loggedIn = Boolean(a.operator);
    loginView.hidden = loggedIn;
    appView.hidden = !loggedIn;
    $(loginView, '#login-error').textContent = a.loginError ?? '';
    $<HTMLButtonElement>(loginView, 'button[type=submit]').disabled = a.busy;
    if (!a.operator) return;
    $(appView, '#me').textContent = `${a.operator.displayName} · ${a.operator.role}`;
    $<HTMLButtonElement>(appView, '#team-button').hidden = a.operator.role !== 'admin';
    const conn = $(appView, '#conn');
    conn.textContent = a.connected ? 'Live' : 'Reconnecting…';
    conn.className = `conn ${a.connected ? 'on' : 'off'}`;
    const list = $(appView, '#team-list');
    list.replaceChildren(
      ...a.operators.map((o) => h('li', {}, h('strong', {}, o.displayName), ` ${o.email} · ${o.role}`)),
    );
    const assignTo = $<HTMLSelectElement>(appView, '#assign-to');
    const current = assignTo.value;
    assignTo.replaceChildren(
      ...a.operators.map((o) => h('option', { value: o.id }, `${o.displayName} (${o.role})`)),
    );
    if (current) assignTo.value = current;
    renderConversation();
  });

  const operatorName = (id: string | null) => {
    if (!id) return null;
    return auth.getSnapshot().context.operators.find((o) => o.id === id)?.displayName ?? shortId(id);
  };

  function renderQueue() {
    const q = queue.getSnapshot().context;
    const openId = convo.getSnapshot().context.id;
    for (const tab of appView.querySelectorAll<HTMLButtonElement>('[role=tab]'))
      tab.setAttribute('aria-selected', String(tab.dataset.view === q.filter.view));
    const status = $(appView, '#queue-status');
    status.textContent = q.error
      ? `Could not load the queue: ${q.error}`
      : q.items.length === 0
        ? q.filter.view === 'waiting'
          ? 'No one is waiting. New escalations appear here as they happen.'
          : 'Nothing here.'
        : `${q.total} conversation${q.total === 1 ? '' : 's'}`;
    const focusedId = (document.activeElement as HTMLElement | null)?.dataset?.id;
    const sorted = [...q.items].sort(queueOrder);
    items.replaceChildren(
      ...sorted.map((item) => {
        const unread = q.unread[item.conversationId] ?? 0;
        const button = h(
          'button',
          {
            type: 'button',
            class: `item prio-${item.priority}`,
            'data-id': item.conversationId,
            'aria-current': item.conversationId === openId ? 'true' : undefined,
            'aria-label': `${item.priority} priority, ${label(item.category)}, ${item.status}${unread ? `, ${unread} unread` : ''}: ${item.subject ?? item.summary.split('\n').at(-1) ?? ''}`,
          },
          h(
            'span',
            { class: 'row1' },
            h('span', { class: 'prio' }, item.priority),
            h('span', { class: 'cat' }, label(item.category)),
            h(
              'span',
              { class: 'status' },
              item.handledIn
                ? `in ${targetLabel(item.handledIn)}`
                : item.status === 'assigned'
                  ? `with ${operatorName(item.assignedTo) ?? '—'}`
                  : label(item.status),
            ),
            unread ? h('span', { class: 'unread', 'aria-hidden': 'true' }, String(unread)) : null,
          ),
          h('span', { class: 'subject' }, item.subject ?? lastVisitorLine(item.summary)),
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
        );
        return h('li', {}, button);
      }),
    );
    tick();
    if (focusedId)
      items.querySelector<HTMLButtonElement>(`button[data-id="${CSS.escape(focusedId)}"]`)?.focus();
  }
  queue.subscribe(renderQueue);

  function lastVisitorLine(summary: string): string {
    const lines = summary.split('\n');
    const visitor = [...lines].reverse().find((l) => /^visitor:/i.test(l));
    return (visitor ?? lines.at(-1) ?? '').replace(/^\w+:\s*/, '');
  }

  /** Once a second: waiting times, SLA countdowns, typing dots. */
  function tick() {
    const now = Date.now();
    for (const node of items.querySelectorAll<HTMLElement>('.wait'))
      node.textContent = `waiting ${formatDuration(now - Date.parse(node.dataset.since ?? ''))}`;
    for (const node of items.querySelectorAll<HTMLElement>('.sla')) {
      const answered = node.dataset.answered;
      const due = Date.parse(node.dataset.due ?? '');
      if (answered) {
        node.textContent = 'answered';
        node.className = 'sla ok';
        continue;
      }
      const left = due - now;
      node.textContent =
        left >= 0 ? `SLA ${formatDuration(left)} left` : `SLA overdue ${formatDuration(-left)}`;
      node.className = `sla ${left < 0 ? 'late' : left < 30_000 ? 'soon' : 'ok'}`;
    }
    const typing = queue.getSnapshot().context.typing;
    for (const node of items.querySelectorAll<HTMLElement>('.typing-dot'))
      node.textContent = (typing[node.dataset.typing ?? ''] ?? 0) > now ? 'typing…' : '';
    const c = convo.getSnapshot().context;
    $(appView, '#visitor-typing').textContent = c.visitorTypingUntil > now ? 'The visitor is typing…' : '';
  }
  window.setInterval(tick, 1000);
  // A safety net for anything a dropped connection hid: re-read the queue every 30 seconds.
  window.setInterval(() => {
    if (auth.getSnapshot().context.operator) void refreshQueue();
  }, 30_000);

  let renderedConversation: string | null = null;
  let renderedSeqs = new Set<number>();
  function renderConversation() {
    const c = convo.getSnapshot().context;
    const conv = $<HTMLDivElement>(appView, '#conv');
    $(appView, '#conv-empty').hidden = Boolean(c.id);
    conv.hidden = !c.id;
    for (const b of items.querySelectorAll<HTMLButtonElement>('button.item'))
      if (b.dataset.id === c.id) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
    if (!c.id) {
      renderedConversation = null;
      renderFindings(null);
      return;
    }
    const data = c.conversation;
    const self = me();
    $(appView, '#conv-title').textContent = `Visitor ${shortId(c.id)}`;
    const stateBadge = $(appView, '#conv-state');
    stateBadge.textContent = data ? stateName(data.state) : c.loading ? 'loading…' : '';
    stateBadge.dataset.state = data?.state ?? '';
    stateBadge.className = `badge state-${(data?.state ?? '').replace(/\W/g, '-')}`;
    $(appView, '#conv-assignee').textContent = data?.assignedAgent
      ? `${data.state === 'escalated.closed' ? 'resolved by' : 'assigned to'} ${data.assignedAgent.id === self?.id ? 'you' : (data.assignedAgent.displayName ?? shortId(data.assignedAgent.id))}`
      : data?.owner === 'human'
        ? 'waiting for an agent'
        : data
          ? 'the bot is answering'
          : '';
    const allowed = data?.allowed;
    const disable = (id: string, off: boolean) => {
      $<HTMLButtonElement>(appView, id).disabled = off || c.busy;
    };
    disable('#take', !allowed?.take);
    disable('#resolve-open', !allowed?.resolve);
    disable('#escalate-open', !allowed?.escalate);
    disable('#handback', !allowed?.handback);
    const botSwitch = $<HTMLButtonElement>(appView, '#bot-switch');
    botSwitch.setAttribute('aria-checked', String(Boolean(data?.botEnabled)));
    botSwitch.title = data?.botEnabled
      ? 'The bot answers. Switch off to take over.'
      : 'A person owns this chat. Switch on to hand back to the bot.';
    $(botSwitch, '.switch-label').textContent = data?.botEnabled ? 'Bot on' : 'Bot off';
    botSwitch.disabled = !data || c.busy || !(data.botEnabled ? allowed?.escalate : allowed?.handback);
    $<HTMLSpanElement>(appView, '#assign-wrap').hidden =
      self?.role !== 'admin' ||
      (!allowed?.take && !(data?.owner === 'human' && data.state !== 'escalated.closed'));
    $<HTMLButtonElement>(appView, '#assign').disabled = c.busy;
    replyBox.disabled = !allowed?.message;
    replyBox.placeholder = allowed?.message
      ? 'Write a reply… (Enter sends, Shift+Enter for a new line)'
      : data?.state === 'escalated.closed'
        ? 'This conversation is resolved. If the visitor writes again, the bot answers.'
        : data?.owner === 'bot'
          ? 'The bot owns this conversation: escalate or switch the bot off to write.'
          : 'Take the conversation to reply.';
    $<HTMLButtonElement>(appView, '#send').disabled = !allowed?.message || c.busy;
    $(appView, '#notice').textContent = c.error ?? c.notice ?? '';
    $<HTMLFormElement>(appView, '#resolve-form').hidden = c.form !== 'resolve';
    $<HTMLFormElement>(appView, '#escalate-form').hidden = c.form !== 'escalate';

    if (renderedConversation !== c.id) {
      renderedConversation = c.id;
      renderedSeqs = new Set();
      transcript.replaceChildren();
    }
    const atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
    let added = false;
    for (const m of c.messages) {
      if (renderedSeqs.has(m.seq)) continue;
      renderedSeqs.add(m.seq);
      transcript.append(bubble(m));
      added = true;
    }
    if (added && (atBottom || transcript.childElementCount === c.messages.length))
      transcript.scrollTop = transcript.scrollHeight;
    renderFindings(data);
  }
  convo.subscribe(renderConversation);

  function bubble(m: Message) {
    const who =
      m.role === 'visitor'
        ? 'Visitor'
        : m.role === 'bot'
          ? 'Bot'
          : m.role === 'operator'
            ? m.agentId === me()?.id
              ? 'You'
              : (operatorName(m.agentId ?? null) ?? 'Agent')
            : 'System';
    return h(
      'div',
      { class: `msg ${m.role}`, 'data-seq': String(m.seq) },
      h('span', { class: 'who' }, who, h('time', { datetime: m.at }, clock(m.at))),
      h('span', { class: 'text' }, m.text),
    );
  }

  let findingsKey = '';
  function renderFindings(data: Conversation | null) {
    const key = data
      ? JSON.stringify([data.findings, data.escalation?.id, data.state, data.deliveries, data.handledIn])
      : '';
    if (key === findingsKey) return;
    findingsKey = key;
    const box = $(appView, '#findings');
    if (!data) {
      box.replaceChildren(h('p', { class: 'muted' }, 'Open a conversation to see its details.'));
      return;
    }
    const f = data.findings;
    const chips = (values: string[]) =>
      values.length
        ? h('span', { class: 'chips' }, ...values.map((v) => h('span', { class: 'chip' }, label(v))))
        : '—';
    const row = (name: string, value: Child) => [h('dt', {}, name), h('dd', {}, value)];
    box.replaceChildren(
      h(
        'dl',
        {},
        ...row('Priority', h('span', { class: `prio-tag prio-${f.priority}` }, f.priority)),
        ...row('Sentiment', `${label(f.sentiment.label)} (${f.sentiment.score.toFixed(2)})`),
        ...row('Category', label(f.category)),
        ...row('Journey stage', label(f.journeyStage)),
        ...row('Triggers', chips(f.triggers)),
        ...row('Reason', f.escalationReason ?? '—'),
        ...row('Keywords', chips(f.keywords)),
        ...(Object.keys(f.visitor).length
          ? row(
              'Visitor',
              Object.entries(f.visitor)
                .map(([k, v]) => `${k}: ${v}`)
                .join(' · '),
            )
          : []),
        ...row('Visitor wrote', `${f.messageCount} message${f.messageCount === 1 ? '' : 's'}`),
      ),
      ...(data.handledIn
        ? [
            h(
              'p',
              { class: 'handled-elsewhere', id: 'handled-in', role: 'note' },
              `This live chat was handed to ${targetLabel(data.handledIn)}: answer the visitor there.`,
            ),
          ]
        : []),
      h('h3', {}, 'Summary'),
      h('p', { class: 'summary' }, f.summary || '—'),
      ...(data.deliveries.length
        ? [
            h('h3', {}, 'Handed off to'),
            h(
              'ul',
              { class: 'deliveries', id: 'deliveries' },
              ...data.deliveries.map((d) =>
                h(
                  'li',
                  { 'data-target': d.target, 'data-status': d.status },
                  h('span', {}, targetLabel(d.target)),
                  ' ',
                  webLink(d.externalUrl)
                    ? h(
                        'a',
                        { href: webLink(d.externalUrl) ?? '', target: '_blank', rel: 'noopener' },
                        d.externalId ?? 'open',
                      )
                    : d.target === 'console'
                      ? ''
                      : (d.externalId ?? ''),
                  ' · ',
                  h(
                    'span',
                    { class: `delivery-${d.status}`, title: d.lastError ?? '' },
                    d.status === 'pending' && d.attempts > 1 ? `retrying (${d.attempts} attempts)` : d.status,
                  ),
                  ...(d.deskSummary
                    ? [
                        ' · ',
                        h(
                          'span',
                          { class: 'desk-status', 'data-desk-status': d.deskStatus ?? '' },
                          d.deskSummary,
                        ),
                      ]
                    : []),
                ),
              ),
            ),
          ]
        : []),
      h('h3', {}, 'State path'),
      h(
        'ol',
        { class: 'path' },
        ...f.statePath.map((s) =>
          h('li', {}, h('span', {}, label(s.state)), h('time', { datetime: s.at }, clock(s.at))),
        ),
        f.statePath.at(-1)?.state === data.state
          ? null
          : h('li', { class: 'now' }, h('span', {}, label(data.state)), h('time', {}, 'now')),
      ),
    );
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

const mount = document.getElementById('console-root');
if (mount) startConsole(mount);
