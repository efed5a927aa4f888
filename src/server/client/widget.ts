// The chat widget: one <script src=".../widget.js"></script> on any page mounts it (shadow DOM, no
// framework needed on the host page). State lives in an @xstate/store store; every text is rendered as
// text, never HTML. On the demo page (`/`) it mounts inline in #switchboard-chat instead of floating.
// Live updates (an agent's replies, typing, the place in the queue) arrive over Server-Sent Events read with
// fetch(), so the session token stays in the Authorization header. This file composes the parts.
import { adoptStyles, h } from './dom.ts';
import { widgetApi } from './widget.api.ts';
import { wireComposer } from './widget.composer.ts';
import { readConfig } from './widget.config.ts';
import css from './widget.css';
import { mountLauncher } from './widget.launcher.ts';
import { type MessageLog, messageLog } from './widget.log.ts';
import { pickLanguage, type Say, translator } from './widget.messages.ts';
import { applyBrand, type WidgetPanel, widgetPanel } from './widget.panel.ts';
import { holdForPrechat } from './widget.prechat.ts';
import { renderQuickReplies } from './widget.replies.ts';
import { press, rate, resend } from './widget.send.ts';
import { createSession, resumeSession, startSession, type WidgetSession } from './widget.session.ts';
import { statusText, waitingText } from './widget.status.ts';
import { createWidgetStore, type WidgetStore } from './widget.store.ts';

const config = readConfig(document.currentScript as HTMLScriptElement | null, location.origin);
const language = pickLanguage(config.lang, navigator.languages ?? [navigator.language]);
const say = translator(language);

/** Every change of the store shown: status, queue banner, typing line, log, quick replies, error. */
function renderOnChange(
  store: WidgetStore,
  root: ShadowRoot,
  parts: WidgetPanel,
  log: MessageLog,
  session: WidgetSession,
  say: Say,
) {
  let rendered = '';
  store.subscribe((snap) => {
    const ctx = snap.context;
    parts.status.textContent = statusText(say, ctx);
    const wait = waitingText(say, ctx);
    parts.waiting.hidden = wait === null;
    if (parts.waiting.textContent !== (wait ?? '')) parts.waiting.textContent = wait ?? '';
    const agentTyping = ctx.operatorTypingUntil > Date.now() ? say('typing.agent') : '';
    if (parts.typing.textContent !== agentTyping) parts.typing.textContent = agentTyping;
    const key = JSON.stringify([ctx.messages, ctx.buttons]);
    if (key !== rendered) {
      rendered = key;
      log.render(ctx.messages);
      // A pressed quick reply disappears with its row: the focus goes to the message box, not <body>.
      const hadFocus = parts.buttons.contains(root.activeElement);
      renderQuickReplies(parts.buttons, ctx.buttons, say, {
        press: (b) => void press(session, b),
        rate: (b, comment) => void rate(session, b, comment),
      });
      if (hadFocus && !parts.buttons.contains(root.activeElement)) parts.input.focus();
      log.keepNewestInView();
    }
    parts.error.textContent = ctx.error ?? '';
    parts.send.disabled = ctx.sending;
  });
}

export function mountWidget(host: HTMLElement, options: { floating: boolean }) {
  const store = createWidgetStore();
  const unreachable = say('error.unreachable');
  const session = createSession({
    store,
    api: widgetApi(config.apiBase, unreachable),
    apiBase: config.apiBase,
    storageKey: `switchboard:${config.apiBase}`,
    language,
    unreachable,
  });
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root, css);
  const parts = widgetPanel(config, say, { floating: options.floating, language });
  applyBrand(host, config.color);
  root.append(parts.panel);
  if (options.floating) mountLauncher(root, parts, store, say);
  const log = messageLog(parts.log, say, language, (id) => void resend(session, id));
  renderOnChange(store, root, parts, log, session, say);
  wireComposer(session, parts.form, parts.input);
  window.addEventListener('offline', () => store.trigger.networkChanged({ online: false }));
  window.addEventListener('online', () => store.trigger.networkChanged({ online: true }));

  const begin = () =>
    startSession(session).catch((e: Error) => store.trigger.failedToStart({ error: e.message }));
  void (async () => {
    if (await resumeSession(session)) return;
    if (config.prechat === 'off') await begin();
    else
      holdForPrechat(parts, config.prechat, say, (answer) => {
        session.visitor = answer;
        void begin();
      });
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
