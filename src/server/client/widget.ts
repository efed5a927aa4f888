// The chat widget: one <script src=".../widget.js"></script> on any page mounts it (shadow DOM, no
// framework needed on the host page). State lives in an @xstate/store store; every text is rendered as
// text, never HTML. On the demo page (`/`) it mounts inline in #switchboard-chat instead of floating.
// Live updates (an agent's replies, typing, the place in the queue) arrive over Server-Sent Events read with
// fetch(), so the session token stays in the Authorization header.
import { adoptStyles, h } from './dom.ts';
import { openEventStream } from './event-stream.ts';
import { brandColours, readConfig } from './widget.config.ts';
import css from './widget.css';
import { pickLanguage, translator } from './widget.messages.ts';
import { type PrechatAnswer, prechatForm } from './widget.prechat.ts';
import { ratingButtons, ratingForm } from './widget.rating.ts';
import {
  createWidgetStore,
  lastSeq,
  type WidgetButton,
  type WidgetContext,
  type WidgetMessage,
} from './widget.store.ts';

const config = readConfig(document.currentScript as HTMLScriptElement | null, location.origin);
const { apiBase } = config;
const storageKey = `switchboard:${apiBase}`;
const language = pickLanguage(config.lang, navigator.languages ?? [navigator.language]);
const say = translator(language);

const ROLE_NAMES: Record<WidgetMessage['role'], string> = {
  visitor: say('role.visitor'),
  bot: say('role.bot'),
  operator: say('role.operator'),
  system: '',
};

/** "Alice Agent" → "AA": the agent's badge beside their name. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return words
    .slice(0, 2)
    .map((w) => [...w][0]?.toUpperCase() ?? '')
    .join('');
}
const clock = (iso: string) =>
  new Date(iso).toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit' });

/** The display name of the operator who wrote last, if any has written yet. */
export function currentAgent(ctx: WidgetContext): string | null {
  return ctx.messages.findLast((m) => m.role === 'operator' && m.author)?.author ?? null;
}

function statusText(ctx: WidgetContext): string {
  if (ctx.offline) return say('status.offline');
  if (ctx.owner === 'human' && ctx.state === 'escalated.queued') return say('status.waiting');
  if (ctx.owner === 'human')
    return say('status.chatting', { name: currentAgent(ctx) ?? ctx.agentName ?? say('status.an_agent') });
  return ctx.connected ? say('status.online') : say('status.bot');
}

/** "You're number 2 in the queue · about 3 minutes". */
export function waitingText(ctx: WidgetContext): string | null {
  if (ctx.state !== 'escalated.queued') return null;
  if (!ctx.queue) return say('queue.waiting');
  const place =
    ctx.queue.position <= 1 ? say('queue.next') : say('queue.number', { position: ctx.queue.position });
  const wait = ctx.queue.estimatedWaitSeconds;
  if (wait === null) return say('queue.place', { place });
  const n = Math.max(1, Math.round(wait / 60));
  return say('queue.place_wait', {
    place,
    minutes: n === 1 ? say('time.minute') : say('time.minutes', { n }),
  });
}

const UNREACHABLE = say('error.unreachable');

/** What the operator's visitor panel shows: where the chat was opened, from what, at which local time. */
function browserFacts() {
  const web = (url: string) => (/^https?:\/\//i.test(url) && url.length <= 2048 ? url : undefined);
  const facts = {
    pageUrl: web(location.href.split('#')[0] ?? ''),
    referrer: web(document.referrer),
    userAgent: navigator.userAgent.slice(0, 512) || undefined,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || undefined,
    locale: /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(navigator.language) ? navigator.language : undefined,
  };
  return Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined));
}

async function api<T>(path: string, init: RequestInit & { token?: string | null } = {}): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  // A network failure (offline, or a site the server does not serve) reaches the page as a bare
  // TypeError ("Failed to fetch"): the visitor gets a sentence instead, and no status (so it is retried).
  const res = await fetch(`${apiBase}/api/v1${path}`, { ...init, headers }).catch(() => {
    throw new Error(UNREACHABLE);
  });
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
  adoptStyles(root, css);
  const panel = h('section', {
    class: options.floating ? 'panel floating' : 'panel',
    'aria-label': say('panel.label'),
    lang: language,
  });
  const header = h('header');
  if (config.color) {
    const { onBrand, brandInk } = brandColours(config.color);
    host.style.setProperty('--brand', config.color);
    host.style.setProperty('--on-brand', onBrand);
    host.style.setProperty('--brand-ink', brandInk);
  }
  const title = h('h2', { id: 'sb-title' }, config.brand ?? say('brand.default'));
  const status = h('span', { class: 'status', role: 'status', 'aria-live': 'polite' });
  header.append(title, status);
  const waiting = h('div', { class: 'waiting', role: 'status', 'aria-live': 'polite', hidden: '' });
  const log = h('div', {
    class: 'log',
    role: 'log',
    'aria-live': 'polite',
    'aria-label': say('log.label'),
    tabindex: '0',
  });
  const typing = h('div', { class: 'typing', 'aria-live': 'polite' });
  const buttons = h('div', { class: 'buttons', role: 'group', 'aria-label': say('buttons.label') });
  const error = h('div', { class: 'error', role: 'alert' });
  const form = h('form');
  const label = h('label', { class: 'sr-only', for: 'sb-input' }, say('input.label'));
  const input = h('textarea', {
    id: 'sb-input',
    rows: '1',
    placeholder: say('input.placeholder'),
    maxlength: '2000',
  });
  const send = h(
    'button',
    { type: 'submit', class: 'send', 'aria-label': say('send.label') },
    say('send.text'),
  );
  form.append(label, input, send);
  panel.append(header, waiting, log, typing, buttons, error, form);
  root.append(panel);
  if (options.floating) {
    panel.id = 'sb-panel';
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-labelledby', 'sb-title');
    const badge = h('span', { class: 'badge', 'aria-hidden': 'true', hidden: true });
    const close = h('button', { type: 'button', class: 'close', 'aria-label': say('close.label') }, '×');
    header.append(h('span', { class: 'head-actions' }, status, close));
    const launcher = h(
      'button',
      {
        class: 'launcher',
        'aria-label': say('launcher.open'),
        'aria-expanded': 'false',
        'aria-controls': 'sb-panel',
      },
      '💬',
    );
    panel.hidden = true;
    // While the chat is closed, what the bot or an agent says is counted on the launcher.
    let seenUpTo = 0;
    const unread = () =>
      store
        .getSnapshot()
        .context.messages.filter((m) => m.role !== 'visitor' && !m.pending && m.seq > seenUpTo).length;
    const showLauncher = () => {
      const open = !panel.hidden;
      if (open) seenUpTo = lastSeq(store.getSnapshot().context);
      const count = open ? 0 : unread();
      launcher.firstChild?.replaceWith(open ? '×' : '💬');
      badge.hidden = count === 0;
      badge.textContent = String(count);
      launcher.setAttribute('aria-expanded', String(open));
      launcher.setAttribute(
        'aria-label',
        open
          ? say('launcher.close')
          : count
            ? say('launcher.open_unread', { n: count })
            : say('launcher.open'),
      );
    };
    const toggle = (open: boolean) => {
      panel.hidden = !open;
      showLauncher();
      if (open) (prechat?.querySelector('input') ?? input).focus();
      else launcher.focus();
    };
    launcher.append(badge);
    // Nothing of an earlier visit counts as unread: only what arrives after the page opened.
    store.subscribe(() => {
      if (!seenUpTo) seenUpTo = lastSeq(store.getSnapshot().context);
    });
    store.subscribe(showLauncher);
    close.addEventListener('click', () => toggle(false));
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
    let previous: WidgetMessage | undefined;
    for (const m of messages) {
      const key = keyOf(m);
      let bubble = bubbles.get(key);
      if (!bubble) {
        bubble = h('div', { 'data-role': m.role });
        const who = m.author ?? ROLE_NAMES[m.role];
        if (who)
          bubble.append(
            h(
              'span',
              { class: 'who' },
              m.role === 'operator'
                ? h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(who))
                : null,
              h('span', { class: 'name' }, who),
              m.pending || m.failed ? null : h('time', { datetime: m.at }, clock(m.at)),
            ),
          );
        bubble.append(document.createTextNode(m.text));
        bubbles.set(key, bubble);
        added = true;
      }
      // A run of messages from the same author within five minutes shows the name once.
      const grouped =
        previous !== undefined &&
        previous.role === m.role &&
        previous.author === m.author &&
        Date.parse(m.at) - Date.parse(previous.at) < 300_000;
      previous = m;
      bubble.className = `msg ${m.role}${grouped ? ' grouped' : ''}${m.pending ? ' pending' : ''}${m.failed ? ' failed' : ''}`;
      const retry = bubble.querySelector('.retry');
      if (m.failed && !retry && m.clientMessageId) {
        const id = m.clientMessageId;
        const button = h(
          'button',
          { type: 'button', class: 'retry', 'aria-label': say('retry.label', { text: m.text }) },
          say('retry.text'),
        );
        button.addEventListener('click', () => void resend(id));
        bubble.append(button);
      } else if (!m.failed && retry) retry.remove();
      if (bubble === cursor) cursor = cursor.nextElementSibling;
      else log.insertBefore(bubble, cursor);
    }
    if (added) pinned = true;
    if (pinned) log.scrollTop = log.scrollHeight;
  }
  // The log keeps its newest message in view while anything around it changes height (the quick-reply
  // row coming back, the queue banner, the typing line), unless the visitor scrolled up to read.
  let pinned = true;
  log.addEventListener('scroll', () => {
    pinned = log.scrollHeight - log.scrollTop - log.clientHeight < 8;
  });
  new ResizeObserver(() => {
    if (pinned) log.scrollTop = log.scrollHeight;
  }).observe(log);

  let rendered = '';
  store.subscribe((snap) => {
    const ctx = snap.context;
    status.textContent = statusText(ctx);
    const wait = waitingText(ctx);
    waiting.hidden = wait === null;
    if (waiting.textContent !== (wait ?? '')) waiting.textContent = wait ?? '';
    const agentTyping = ctx.operatorTypingUntil > Date.now() ? say('typing.agent') : '';
    if (typing.textContent !== agentTyping) typing.textContent = agentTyping;
    const key = JSON.stringify([ctx.messages, ctx.buttons]);
    if (key !== rendered) {
      rendered = key;
      renderLog(ctx.messages);
      // A pressed quick reply disappears with its row: the focus goes to the message box, not <body>.
      const hadFocus = buttons.contains(root.activeElement);
      const survey = ratingButtons(ctx.buttons);
      buttons.classList.toggle('survey', survey !== null);
      buttons.replaceChildren(
        ...(survey
          ? [ratingForm(say, survey, (b, comment) => void rate(b, comment))]
          : ctx.buttons.map((b, i) => {
              const button = h(
                'button',
                {
                  type: 'button',
                  'data-button': b.id,
                  'aria-label': say('button.numbered', { n: i + 1, label: b.label }),
                },
                `${b.emoji ? `${b.emoji} ` : ''}${b.label}`,
              );
              button.addEventListener('click', () => void press(b));
              return button;
            })),
      );
      if (hadFocus && !buttons.contains(root.activeElement)) input.focus();
      if (pinned) log.scrollTop = log.scrollHeight;
    }
    error.textContent = ctx.error ?? '';
    send.disabled = ctx.sending;
  });

  function remember(sessionId: string, token: string) {
    localStorage.setItem(storageKey, JSON.stringify({ sessionId, token }));
  }

  /** The pre-chat form, while it is shown (before the session starts). */
  let prechat: HTMLFormElement | null = null;
  let visitor: PrechatAnswer = {};
  async function startSession() {
    const start = {
      ...(Object.keys(visitor).length > 0 ? { visitor } : {}),
      language,
      browser: browserFacts(),
    };
    const body = await api<TurnBody & { token: string }>('/sessions', {
      method: 'POST',
      body: JSON.stringify(start),
    });
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
          if (e.event === 'turn') {
            store.trigger.liveTurn(data as TurnBody);
            learnAgent(data as TurnBody);
          } else if (e.event === 'queue') store.trigger.queueUpdated(data);
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

  /** A turn that hands the chat to a person: ask who it is, so the header names them before they write. */
  function learnAgent(turn: Pick<TurnBody, 'state' | 'messages'>) {
    if (turn.state !== 'escalated.assigned' || !turn.messages.some((m) => m.role === 'system')) return;
    const { sessionId, token } = store.getSnapshot().context;
    if (!sessionId) return;
    void api<{ agentName?: string | null }>(`/sessions/${encodeURIComponent(sessionId)}`, { token })
      .then((view) => store.trigger.agentKnown({ agentName: view.agentName ?? null }))
      .catch(() => {});
  }
  window.addEventListener('offline', () => store.trigger.networkChanged({ online: false }));
  window.addEventListener('online', () => store.trigger.networkChanged({ online: true }));

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

  const unsent = new Map<string, { text: string } | { button: string }>();
  function deliver(payload: { text: string } | { button: string }, shownText: string) {
    const clientMessageId = crypto.randomUUID();
    unsent.set(clientMessageId, payload);
    store.trigger.sendStarted({ text: shownText, clientMessageId });
    return post(clientMessageId);
  }
  /** A failed message sent again with its first clientMessageId: if it did arrive, the server answers once. */
  function resend(clientMessageId: string) {
    if (!unsent.has(clientMessageId) || store.getSnapshot().context.sending) return;
    store.trigger.retryStarted({ clientMessageId });
    return post(clientMessageId);
  }
  async function post(clientMessageId: string) {
    const { sessionId, token } = store.getSnapshot().context;
    const payload = unsent.get(clientMessageId);
    if (!sessionId || !payload) return;
    const body = JSON.stringify({ clientMessageId, ...payload });
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const turn = await api<TurnBody>(`/sessions/${encodeURIComponent(sessionId)}/messages`, {
          method: 'POST',
          body,
          token,
        });
        store.trigger.turnReceived(turn);
        unsent.delete(clientMessageId);
        learnAgent(turn);
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
    store.trigger.sendFailed({ clientMessageId, error: UNREACHABLE });
  }

  function press(button: WidgetButton) {
    return deliver({ button: button.id }, `${button.emoji ? `${button.emoji} ` : ''}${button.label}`);
  }
  /** The survey's answer: the rating (shown as the server records its button), then the comment. */
  async function rate(button: WidgetButton, comment: string) {
    await press(button);
    const rated = !store.getSnapshot().context.messages.some((m) => m.failed);
    if (rated && comment) await deliver({ text: comment }, comment);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || store.getSnapshot().context.sending) return;
    if (!store.getSnapshot().context.sessionId) {
      // The chat never started (offline, or a site the server does not serve): try again, keep the text.
      const started = await startSession().then(
        () => true,
        (e: Error) => {
          store.trigger.failedToStart({ error: e.message });
          return false;
        },
      );
      if (!started) return;
    }
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

  const begin = () => startSession().catch((e: Error) => store.trigger.failedToStart({ error: e.message }));
  /** The chat waits behind the pre-chat form until it is sent (or skipped, when it is optional). */
  function askFirst(mode: 'optional' | 'required') {
    const chat = [waiting, log, typing, buttons, form];
    for (const part of chat) part.hidden = true;
    prechat = prechatForm(mode, say, (answer) => {
      visitor = answer;
      prechat?.remove();
      prechat = null;
      for (const part of chat) part.hidden = part === waiting;
      input.focus();
      void begin();
    });
    panel.insertBefore(prechat, error);
  }
  void (async () => {
    if (await resume()) return;
    if (config.prechat === 'off') await begin();
    else askFirst(config.prechat);
  })();
  return store;
}

const inline = document.getElementById('switchboard-chat');
if (inline) mountWidget(inline, { floating: false });
else {
  const host = h('div', { id: 'switchboard-widget' });
  document.body.append(host);
  mountWidget(host, { floating: true });
}
