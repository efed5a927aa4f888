// Sending the visitor's messages and button presses: shown at once as pending, posted with a clientMessageId
// and retried on network failures and 5xx with that same id (the server answers once), marked failed with
// a Retry otherwise.
import type { TurnBody } from './widget.api.ts';
import { buttonText } from './widget.replies.ts';
import { learnAgent, type Payload, type WidgetSession } from './widget.session.ts';
import type { WidgetButton } from './widget.store.ts';

const ATTEMPTS = 3;

export function deliver(s: WidgetSession, payload: Payload, shownText: string) {
  const clientMessageId = crypto.randomUUID();
  s.unsent.set(clientMessageId, payload);
  s.store.trigger.sendStarted({ text: shownText, clientMessageId });
  return post(s, clientMessageId);
}

/** A failed message sent again with its first clientMessageId: if it did arrive, the server answers once. */
export function resend(s: WidgetSession, clientMessageId: string) {
  if (!s.unsent.has(clientMessageId) || s.store.getSnapshot().context.sending) return;
  s.store.trigger.retryStarted({ clientMessageId });
  return post(s, clientMessageId);
}

async function post(s: WidgetSession, clientMessageId: string) {
  const { store } = s;
  const { sessionId, token } = store.getSnapshot().context;
  const payload = s.unsent.get(clientMessageId);
  if (!sessionId || !payload) return;
  const body = JSON.stringify({ clientMessageId, ...payload });
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      const turn = await s.api<TurnBody>(`/sessions/${encodeURIComponent(sessionId)}/messages`, {
        method: 'POST',
        body,
        token,
      });
      store.trigger.turnReceived(turn);
      s.unsent.delete(clientMessageId);
      learnAgent(s, turn);
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
  store.trigger.sendFailed({ clientMessageId, error: s.unreachable });
}

export function press(s: WidgetSession, button: WidgetButton) {
  return deliver(s, { button: button.id }, buttonText(button));
}

/** The survey's answer: the rating (shown as the server records its button), then the comment. */
export async function rate(s: WidgetSession, button: WidgetButton, comment: string) {
  await press(s, button);
  const rated = !s.store.getSnapshot().context.messages.some((m) => m.failed);
  if (rated && comment) await deliver(s, { text: comment }, comment);
}
