// The visitor's chat session: started (with what the pre-chat form asked) or resumed from localStorage,
// then kept live over the event stream. Module functions over one WidgetSession record, shared with the
// sending and the composer.

import { browserFacts, type TurnBody, type WidgetApi } from './widget.api.ts';
import type { PrechatAnswer } from './widget.prechat.ts';
import type { WidgetStore } from './widget.store.ts';
import { goLive } from './widget.stream.ts';

export type Payload = { text: string } | { button: string };

export interface WidgetSession {
  store: WidgetStore;
  api: WidgetApi;
  apiBase: string;
  /** Where the session id and token are kept between page loads (one key per server). */
  storageKey: string;
  language: string;
  /** The sentence a network failure becomes. */
  unreachable: string;
  /** The pre-chat form's answer, sent with the session's start. */
  visitor: PrechatAnswer;
  live: { close(): void } | null;
  /** What the visitor sent that the server has not answered yet, by clientMessageId. */
  unsent: Map<string, Payload>;
}

export function createSession(
  deps: Pick<WidgetSession, 'store' | 'api' | 'apiBase' | 'storageKey' | 'language' | 'unreachable'>,
): WidgetSession {
  return { ...deps, visitor: {}, live: null, unsent: new Map() };
}

function remember(s: WidgetSession, sessionId: string, token: string) {
  localStorage.setItem(s.storageKey, JSON.stringify({ sessionId, token }));
}

function connect(s: WidgetSession) {
  goLive(s, (turn) => learnAgent(s, turn));
}

export async function startSession(s: WidgetSession) {
  const start = {
    ...(Object.keys(s.visitor).length > 0 ? { visitor: s.visitor } : {}),
    language: s.language,
    browser: browserFacts(),
  };
  const body = await s.api<TurnBody & { token: string }>('/sessions', {
    method: 'POST',
    body: JSON.stringify(start),
  });
  remember(s, body.sessionId, body.token);
  s.store.trigger.sessionLoaded({ ...body, token: body.token });
  connect(s);
}

/** The session of an earlier visit, if its token still works; a dead one is forgotten. */
export async function resumeSession(s: WidgetSession): Promise<boolean> {
  const saved = localStorage.getItem(s.storageKey);
  if (!saved) return false;
  try {
    const { sessionId, token } = JSON.parse(saved) as { sessionId: string; token: string };
    const body = await s.api<TurnBody>(`/sessions/${encodeURIComponent(sessionId)}`, { token });
    s.store.trigger.sessionLoaded({ ...body, sessionId, token });
    connect(s);
    return true;
  } catch {
    localStorage.removeItem(s.storageKey);
    return false;
  }
}

/** A turn that hands the chat to a person: ask who it is, so the header names them before they write. */
export function learnAgent(s: WidgetSession, turn: Pick<TurnBody, 'state' | 'messages'>) {
  if (turn.state !== 'escalated.assigned' || !turn.messages.some((m) => m.role === 'system')) return;
  const { sessionId, token } = s.store.getSnapshot().context;
  if (!sessionId) return;
  void s
    .api<{ agentName?: string | null }>(`/sessions/${encodeURIComponent(sessionId)}`, { token })
    .then((view) => s.store.trigger.agentKnown({ agentName: view.agentName ?? null }))
    .catch(() => {});
}
