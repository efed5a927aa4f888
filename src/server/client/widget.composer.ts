// The message box: Enter sends (Shift+Enter is a new line), a chat that never started is started first,
// and while a person owns the chat the agent is told the visitor is typing (at most every 3 s, and
// "stopped" after 4 s without a key).
import { deliver } from './widget.send.ts';
import { startSession, type WidgetSession } from './widget.session.ts';

function signalTyping(s: WidgetSession, isTyping: boolean) {
  const { sessionId, token, owner } = s.store.getSnapshot().context;
  if (!sessionId || owner !== 'human') return;
  void fetch(`${s.apiBase}/api/v1/sessions/${encodeURIComponent(sessionId)}/typing`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ typing: isTyping }),
  }).catch(() => {});
}

export function wireComposer(s: WidgetSession, form: HTMLFormElement, input: HTMLTextAreaElement) {
  const { store } = s;
  let typingSentAt = 0;
  let typingStop: ReturnType<typeof setTimeout> | undefined;
  input.addEventListener('input', () => {
    if (Date.now() - typingSentAt > 3000) {
      typingSentAt = Date.now();
      signalTyping(s, true);
    }
    clearTimeout(typingStop);
    typingStop = setTimeout(() => {
      typingSentAt = 0;
      signalTyping(s, false);
    }, 4000);
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || store.getSnapshot().context.sending) return;
    if (!store.getSnapshot().context.sessionId) {
      // The chat never started (offline, or a site the server does not serve): try again, keep the text.
      const started = await startSession(s).then(
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
    void deliver(s, { text }, text);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}
