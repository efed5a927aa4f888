// The session's live stream: an agent's replies, typing and the place in the queue, pushed by the server
// (Server-Sent Events read with fetch(), so the token stays in the Authorization header).
import { openEventStream, type StreamEvent } from './event-stream.ts';
import type { TurnBody } from './widget.api.ts';
import type { WidgetSession } from './widget.session.ts';
import { lastSeq, type WidgetStore } from './widget.store.ts';

/** How long an agent's "typing" lasts without a fresh one (the server repeats it while they type). */
const TYPING_MS = 6000;

function onStreamEvent(store: WidgetStore, e: StreamEvent, onTurn: (turn: TurnBody) => void) {
  try {
    const data = JSON.parse(e.data);
    if (e.event === 'turn') {
      store.trigger.liveTurn(data as TurnBody);
      onTurn(data as TurnBody);
    } else if (e.event === 'queue') store.trigger.queueUpdated(data);
    else if (e.event === 'typing') {
      const until = (data as { typing: boolean }).typing ? Date.now() + TYPING_MS : 0;
      store.trigger.operatorTyping({ until });
      if (until) setTimeout(() => store.trigger.operatorTyping({ until: 0 }), TYPING_MS + 100);
    }
  } catch {}
}

/** (Re)opens the stream of the store's session, resuming after the newest message it has. */
export function goLive(s: WidgetSession, onTurn: (turn: TurnBody) => void) {
  const { store } = s;
  const { sessionId, token } = store.getSnapshot().context;
  if (!sessionId || !token) return;
  s.live?.close();
  s.live = openEventStream({
    url: `${s.apiBase}/api/v1/sessions/${encodeURIComponent(sessionId)}/events`,
    headers: () => ({ authorization: `Bearer ${token}` }),
    lastEventId: String(lastSeq(store.getSnapshot().context)),
    onStatus: (connected) => store.trigger.connectionChanged({ connected }),
    onFatal: () => store.trigger.connectionChanged({ connected: false }),
    onEvent: (e) => onStreamEvent(store, e, onTurn),
  });
}
