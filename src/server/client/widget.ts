// The chat widget: one <script src=".../widget.js"></script> on any page mounts it (shadow DOM, no
// framework needed on the host page). State lives in an @xstate/store store; every text is rendered as
// text, never HTML. On the demo page (`/`) it mounts inline in #switchboard-chat instead of floating.
// Live updates (an agent's replies, typing, the place in the queue) arrive over Server-Sent Events read with
// fetch(), so the session token stays in the Authorization header.
import { openEventStream } from './event-stream.ts';
import {
  createWidgetStore,
  lastSeq,
  type WidgetButton,
  type WidgetContext,
  type WidgetMessage,
} from './widget.store.ts';

const script = document.currentScript as HTMLScriptElement | null;
const apiBase = script?.dataset.api ?? (script ? new URL(script.src).origin : location.origin);
const storageKey = `switchboard:${apiBase}`;

const CSS = `
:host { all: initial; display: block; height: 100%; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; }
.panel { display: flex; flex-direction: column; background: #fff; border: 1px solid #d8dce6; border-radius: 12px; overflow: hidden; height: 100%; box-shadow: 0 6px 24px rgba(20,30,60,.12); }
header { background: #24407a; color: #fff; padding: 10px 14px; display: flex; justify-content: space-between; align-items: center; }
header h2 { font-size: 15px; margin: 0; }
.status { font-size: 12px; opacity: .9; text-align: right; }
.waiting { background: #fff6dc; color: #5c4700; font-size: 13px; padding: 7px 12px; border-bottom: 1px solid #f0e2a8; }
.typing { font-size: 12px; color: #5a6275; font-style: italic; padding: 0 12px; min-height: 16px; }
.log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; background: #f6f7fb; }
.msg { max-width: 80%; padding: 8px 11px; border-radius: 12px; white-space: pre-wrap; word-wrap: break-word; }
.msg.visitor { align-self: flex-end; background: #24407a; color: #fff; border-bottom-right-radius: 3px; }
.msg.bot { align-self: flex-start; background: #fff; border: 1px solid #e0e4ee; border-bottom-left-radius: 3px; }
.msg.operator { align-self: flex-start; background: #e6f4ea; border: 1px solid #b9dfc4; }
.msg.system { align-self: center; background: transparent; color: #5a6275; font-size: 13px; text-align: center; }
.msg .who { display: block; font-size: 11px; font-weight: 600; opacity: .7; margin-bottom: 2px; }
.msg.pending { opacity: .6; } .msg.failed { outline: 2px solid #c0392b; }
.buttons { display: flex; flex-wrap: wrap; gap: 6px; padding: 8px 12px 0; }
.buttons button { border: 1px solid #24407a; color: #24407a; background: #fff; border-radius: 16px; padding: 5px 11px; cursor: pointer; font: inherit; font-size: 14px; }
.buttons button:hover, .buttons button:focus-visible { background: #24407a; color: #fff; outline: none; }
form { display: flex; gap: 8px; padding: 10px 12px; border-top: 1px solid #e0e4ee; }
textarea { flex: 1; resize: none; font: inherit; padding: 7px 9px; border: 1px solid #c7ccd9; border-radius: 8px; min-height: 20px; max-height: 90px; }
form button { background: #24407a; color: #fff; border: 0; border-radius: 8px; padding: 0 14px; font: inherit; cursor: pointer; }
form button:disabled { opacity: .5; cursor: default; }
.error { color: #c0392b; font-size: 13px; padding: 0 12px; }
.launcher:focus-visible, .buttons button:focus-visible, form button:focus-visible, textarea:focus-visible, .log:focus-visible { outline: 3px solid #2f6fe4; outline-offset: 2px; }
[hidden] { display: none; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.launcher { position: fixed; right: 20px; bottom: 20px; width: 56px; height: 56px; border-radius: 50%; background: #24407a; color: #fff; border: 0; font-size: 24px; cursor: pointer; box-shadow: 0 4px 16px rgba(0,0,0,.2); }
.floating { position: fixed; right: 20px; bottom: 88px; width: 360px; height: 520px; max-height: calc(100vh - 110px); }
`;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

const ROLE_NAMES: Record<WidgetMessage['role'], string> = {
  visitor: 'You',
  bot: 'Assistant',
  operator: 'Agent',
  system: '',
};

/** The display name of the operator who wrote last, if any has written yet. */
export function currentAgent(ctx: WidgetContext): string | null {
  return ctx.messages.findLast((m) => m.role === 'operator' && m.author)?.author ?? null;
}

function statusText(ctx: WidgetContext): string {
  if (ctx.owner === 'human' && ctx.state === 'escalated.queued') return 'Waiting for an agent';
  if (ctx.owner === 'human') return `Chatting with ${currentAgent(ctx) ?? 'an agent'}`;
  return ctx.connected ? 'Assistant · online' : 'Assistant';
}

/** "You're number 2 in the queue · about 3 minutes". */
export function waitingText(ctx: WidgetContext): string | null {
  if (ctx.state !== 'escalated.queued') return null;
  if (!ctx.queue) return 'Waiting for an agent…';
  const place =
    ctx.queue.position <= 1 ? "You're next in the queue" : `You're number ${ctx.queue.position} in the queue`;
  const wait = ctx.queue.estimatedWaitSeconds;
  if (wait === null) return `${place}.`;
  const minutes = Math.max(1, Math.round(wait / 60));
  return `${place} · about ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

async function api<T>(path: string, init: RequestInit & { token?: string | null } = {}): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(`${apiBase}/api/v1${path}`, { ...init, headers });
  const body = (await res.json().catch(() => ({}))) as T & { error?: { message?: string } };
  if (!res.ok)
    throw Object.assign(new Error(body.error?.message ?? `HTTP ${res.status}`), { status: res.status });
  return body;
}

interface TurnBody {
  sessionId: string;
  state: string;
  owner: 'bot' | 'human';
  messages: WidgetMessage[];
  buttons: WidgetButton[];
  token?: string;
  seq?: number;
}

export function mountWidget(host: HTMLElement, options: { floating: boolean }) {
  const store = createWidgetStore();
  const root = host.attachShadow({ mode: 'open' });
  root.append(el('style', {}, CSS));
  const panel = el('section', {
    class: options.floating ? 'panel floating' : 'panel',
    'aria-label': 'Support chat',
  });
  const header = el('header');
  const title = el('h2', { id: 'sb-title' }, 'Support chat');
  const status = el('span', { class: 'status', role: 'status', 'aria-live': 'polite' });
  header.append(title, status);
  const waiting = el('div', { class: 'waiting', role: 'status', 'aria-live': 'polite', hidden: '' });
  const log = el('div', {
    class: 'log',
    role: 'log',
    'aria-live': 'polite',
    'aria-label': 'Conversation',
    tabindex: '0',
  });
  const typing = el('div', { class: 'typing', 'aria-live': 'polite' });
  const buttons = el('div', { class: 'buttons', role: 'group', 'aria-label': 'Quick replies' });
  const error = el('div', { class: 'error', role: 'alert' });
  const form = el('form');
  const label = el('label', { class: 'sr-only', for: 'sb-input' }, 'Your message');
  const input = el('textarea', {
    id: 'sb-input',
    rows: '1',
    placeholder: 'Type your message…',
    maxlength: '2000',
  });
  const send = el('button', { type: 'submit', 'aria-label': 'Send message' }, 'Send');
  form.append(label, input, send);
  panel.append(header, waiting, log, typing, buttons, error, form);
  root.append(panel);
  if (options.floating) {
    panel.id = 'sb-panel';
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-labelledby', 'sb-title');
    const launcher = el(
      'button',
      {
        class: 'launcher',
        'aria-label': 'Open support chat',
        'aria-expanded': 'false',
        'aria-controls': 'sb-panel',
      },
      '💬',
    );
    panel.hidden = true;
    const toggle = (open: boolean) => {
      panel.hidden = !open;
      launcher.setAttribute('aria-expanded', String(open));
      launcher.setAttribute('aria-label', open ? 'Close support chat' : 'Open support chat');
      if (open) input.focus();
      else launcher.focus();
    };
    launcher.addEventListener('click', () => toggle(panel.hidden !== false));
    panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') toggle(false);
    });
    root.append(launcher);
  }

  // The log is updated in place (new bubbles inserted, old ones kept), so a screen reader announces only
  // what is new instead of re-reading the whole conversation.
  const bubbles = new Map<string, HTMLElement>();
  const keyOf = (m: WidgetMessage) => (m.pending || m.failed ? `p:${m.clientMessageId}` : `s:${m.seq}`);
  function renderLog(messages: WidgetMessage[]) {
    const wanted = new Set(messages.map(keyOf));
    for (const [key, node] of bubbles)
      if (!wanted.has(key)) {
        node.remove();
        bubbles.delete(key);
      }
    let cursor = log.firstElementChild;
    let added = false;
    for (const m of messages) {
      const key = keyOf(m);
      let bubble = bubbles.get(key);
      if (!bubble) {
        bubble = el('div', { 'data-role': m.role });
        const who = m.author ?? ROLE_NAMES[m.role];
        if (who) bubble.append(el('span', { class: 'who' }, who));
        bubble.append(document.createTextNode(m.text));
        bubbles.set(key, bubble);
        added = true;
      }
      bubble.className = `msg ${m.role}${m.pending ? ' pending' : ''}${m.failed ? ' failed' : ''}`;
      if (bubble === cursor) cursor = cursor.nextElementSibling;
      else log.insertBefore(bubble, cursor);
    }
    if (added) log.scrollTop = log.scrollHeight;
  }

  let rendered = '';
  store.subscribe((snap) => {
    const ctx = snap.context;
    status.textContent = statusText(ctx);
    const wait = waitingText(ctx);
    waiting.hidden = wait === null;
    if (waiting.textContent !== (wait ?? '')) waiting.textContent = wait ?? '';
    const agentTyping = ctx.operatorTypingUntil > Date.now() ? 'The agent is typing…' : '';
    if (typing.textContent !== agentTyping) typing.textContent = agentTyping;
    const key = JSON.stringify([ctx.messages, ctx.buttons]);
    if (key !== rendered) {
      rendered = key;
      renderLog(ctx.messages);
      buttons.replaceChildren(
        ...ctx.buttons.map((b, i) => {
          const button = el(
            'button',
            { type: 'button', 'data-button': b.id, 'aria-label': `${i + 1}: ${b.label}` },
            `${b.emoji ? `${b.emoji} ` : ''}${b.label}`,
          );
          button.addEventListener('click', () => void press(b));
          return button;
        }),
      );
    }
    error.textContent = ctx.error ?? '';
    send.disabled = ctx.sending;
  });

  function remember(sessionId: string, token: string) {
    localStorage.setItem(storageKey, JSON.stringify({ sessionId, token }));
  }

  async function startSession() {
    const body = await api<TurnBody & { token: string }>('/sessions', { method: 'POST', body: '{}' });
    remember(body.sessionId, body.token);
    store.trigger.sessionLoaded({ ...body, token: body.token });
    goLive();
  }

  let live: { close(): void } | null = null;
  function goLive() {
    const { sessionId, token } = store.getSnapshot().context;
    if (!sessionId || !token) return;
    live?.close();
    live = openEventStream({
      url: `${apiBase}/api/v1/sessions/${encodeURIComponent(sessionId)}/events`,
      headers: () => ({ authorization: `Bearer ${token}` }),
      lastEventId: String(lastSeq(store.getSnapshot().context)),
      onStatus: (connected) => store.trigger.connectionChanged({ connected }),
      onFatal: () => store.trigger.connectionChanged({ connected: false }),
      onEvent: (e) => {
        try {
          const data = JSON.parse(e.data);
          if (e.event === 'turn') store.trigger.liveTurn(data as TurnBody);
          else if (e.event === 'queue') store.trigger.queueUpdated(data);
          else if (e.event === 'typing') {
            const until = (data as { typing: boolean }).typing ? Date.now() + 6000 : 0;
            store.trigger.operatorTyping({ until });
            if (until) setTimeout(() => store.trigger.operatorTyping({ until: 0 }), 6100);
          }
        } catch {}
      },
    });
  }

  let typingSentAt = 0;
  let typingStop: ReturnType<typeof setTimeout> | undefined;
  function signalTyping(isTyping: boolean) {
    const { sessionId, token, owner } = store.getSnapshot().context;
    if (!sessionId || owner !== 'human') return;
    void fetch(`${apiBase}/api/v1/sessions/${encodeURIComponent(sessionId)}/typing`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ typing: isTyping }),
    }).catch(() => {});
  }
  input.addEventListener('input', () => {
    if (Date.now() - typingSentAt > 3000) {
      typingSentAt = Date.now();
      signalTyping(true);
    }
    clearTimeout(typingStop);
    typingStop = setTimeout(() => {
      typingSentAt = 0;
      signalTyping(false);
    }, 4000);
  });

  async function resume(): Promise<boolean> {
    const saved = localStorage.getItem(storageKey);
    if (!saved) return false;
    try {
      const { sessionId, token } = JSON.parse(saved) as { sessionId: string; token: string };
      const body = await api<TurnBody>(`/sessions/${encodeURIComponent(sessionId)}`, { token });
      store.trigger.sessionLoaded({ ...body, sessionId, token });
      goLive();
      return true;
    } catch {
      localStorage.removeItem(storageKey);
      return false;
    }
  }

  async function deliver(payload: { text: string } | { button: string }, shownText: string) {
    const { sessionId, token } = store.getSnapshot().context;
    if (!sessionId) return;
    const clientMessageId = crypto.randomUUID();
    store.trigger.sendStarted({ text: shownText, clientMessageId });
    const body = JSON.stringify({ clientMessageId, ...payload });
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const turn = await api<TurnBody>(`/sessions/${encodeURIComponent(sessionId)}/messages`, {
          method: 'POST',
          body,
          token,
        });
        store.trigger.turnReceived(turn);
        return;
      } catch (e) {
        const status = (e as { status?: number }).status;
        // Network failures and 5xx are retried with the same clientMessageId: the server answers once.
        if (status !== undefined && status < 500) {
          store.trigger.sendFailed({ clientMessageId, error: (e as Error).message });
          return;
        }
        await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
      }
    }
    store.trigger.sendFailed({ clientMessageId, error: 'Could not reach the server. Please try again.' });
  }

  function press(button: WidgetButton) {
    return deliver({ button: button.id }, `${button.emoji ? `${button.emoji} ` : ''}${button.label}`);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || store.getSnapshot().context.sending) return;
    input.value = '';
    clearTimeout(typingStop);
    typingSentAt = 0;
    void deliver({ text }, text);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  void (async () => {
    if (!(await resume()))
      await startSession().catch((e: Error) =>
        store.trigger.sendFailed({ clientMessageId: '', error: e.message }),
      );
  })();
  return store;
}

const inline = document.getElementById('switchboard-chat');
if (inline) mountWidget(inline, { floating: false });
else {
  const host = el('div', { id: 'switchboard-widget' });
  document.body.append(host);
  mountWidget(host, { floating: true });
}
