// The widget's client-side state, held in an @xstate/store store: the view renders from it, the API client
// feeds it. Pure reducers; no DOM, no fetch.
import { createStore } from '@xstate/store';

export interface WidgetMessage {
  seq: number;
  role: 'visitor' | 'bot' | 'operator' | 'system';
  text: string;
  at: string;
  /** The operator's display name, on operator messages. */
  author?: string;
  pending?: boolean;
  failed?: boolean;
  clientMessageId?: string;
}

export interface WidgetButton {
  id: string;
  label: string;
  emoji?: string;
}

export interface WidgetContext {
  sessionId: string | null;
  token: string | null;
  state: string;
  owner: 'bot' | 'human';
  messages: WidgetMessage[];
  buttons: WidgetButton[];
  sending: boolean;
  error: string | null;
  connected: boolean;
  /** Turn sequence number of the newest state applied: an older turn arriving late changes nothing. */
  turnSeq: number;
  /** While waiting for an agent: place in the queue and a wait estimate (seconds), when known. */
  queue: { position: number; estimatedWaitSeconds: number | null } | null;
  /** Time (ms) until which the agent counts as typing. */
  operatorTypingUntil: number;
  /** The operator who took the chat, known before they write (from the session view). */
  agentName: string | null;
  /** The browser is offline, or the live stream dropped after it had worked. */
  offline: boolean;
}

/** The newest confirmed message seq: where a live stream resumes (its Last-Event-ID). */
export function lastSeq(ctx: WidgetContext): number {
  let max = 0;
  for (const m of ctx.messages) if (!m.pending && !m.failed && m.seq > max) max = m.seq;
  return max;
}

interface TurnEvent {
  seq?: number;
  state: string;
  owner: 'bot' | 'human';
  messages: WidgetMessage[];
  buttons: WidgetButton[];
}

/** Applies a turn's state unless a newer one is already shown; messages always merge (by seq). */
function applyTurn(ctx: WidgetContext, e: TurnEvent): WidgetContext {
  const newer = e.seq === undefined || e.seq >= ctx.turnSeq;
  const operatorSpoke = e.messages.some((m) => m.role === 'operator');
  return {
    ...ctx,
    ...(newer
      ? {
          state: e.state,
          owner: e.owner,
          buttons: e.buttons,
          turnSeq: e.seq ?? ctx.turnSeq,
          queue: e.state === 'escalated.queued' ? ctx.queue : null,
        }
      : {}),
    operatorTypingUntil: operatorSpoke ? 0 : ctx.operatorTypingUntil,
    messages: merge(ctx.messages, e.messages),
  };
}

function merge(existing: WidgetMessage[], incoming: WidgetMessage[]): WidgetMessage[] {
  const bySeq = new Map<number, WidgetMessage>();
  for (const m of existing) if (!m.pending && !m.failed) bySeq.set(m.seq, m);
  for (const m of incoming) bySeq.set(m.seq, m);
  const confirmed = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  const stillPending = existing.filter(
    (m) => (m.pending || m.failed) && !incoming.some((i) => i.role === 'visitor' && i.text === m.text),
  );
  return [...confirmed, ...stillPending];
}

export function createWidgetStore() {
  return createStore({
    context: {
      sessionId: null,
      token: null,
      state: 'greeting',
      owner: 'bot',
      messages: [],
      buttons: [],
      sending: false,
      error: null,
      connected: false,
      turnSeq: 0,
      queue: null,
      operatorTypingUntil: 0,
      agentName: null,
      offline: false,
    } as WidgetContext,
    on: {
      sessionLoaded: (
        ctx,
        e: {
          sessionId: string;
          token: string;
          state: string;
          owner: 'bot' | 'human';
          messages: WidgetMessage[];
          buttons: WidgetButton[];
          seq?: number;
          agentName?: string | null;
        },
      ) => ({
        ...ctx,
        agentName: e.agentName ?? ctx.agentName,
        turnSeq: e.seq ?? 0,
        sessionId: e.sessionId,
        token: e.token,
        state: e.state,
        owner: e.owner,
        messages: merge([], e.messages),
        buttons: e.buttons,
        error: null,
      }),
      sendStarted: (ctx, e: { text: string; clientMessageId: string }) => ({
        ...ctx,
        sending: true,
        error: null,
        buttons: [],
        messages: [
          ...ctx.messages,
          {
            seq: Number.MAX_SAFE_INTEGER,
            role: 'visitor' as const,
            text: e.text,
            at: new Date().toISOString(),
            pending: true,
            clientMessageId: e.clientMessageId,
          },
        ],
      }),
      turnReceived: (ctx, e: TurnEvent) => ({ ...applyTurn(ctx, e), sending: false }),
      /** A turn pushed by the live stream: an operator's message, or the echo of our own. */
      liveTurn: (ctx, e: TurnEvent) => applyTurn(ctx, e),
      queueUpdated: (ctx, e: { position: number; estimatedWaitSeconds: number | null }) => ({
        ...ctx,
        queue:
          ctx.state === 'escalated.queued'
            ? { position: e.position, estimatedWaitSeconds: e.estimatedWaitSeconds }
            : null,
      }),
      operatorTyping: (ctx, e: { until: number }) => ({ ...ctx, operatorTypingUntil: e.until }),
      sendFailed: (ctx, e: { clientMessageId: string; error: string }) => ({
        ...ctx,
        sending: false,
        error: e.error,
        messages: ctx.messages.map((m) =>
          m.clientMessageId === e.clientMessageId ? { ...m, pending: false, failed: true } : m,
        ),
      }),
      connectionChanged: (ctx, e: { connected: boolean }) => ({
        ...ctx,
        connected: e.connected,
        offline: e.connected ? false : ctx.offline || ctx.connected,
      }),
      /** The browser's own online/offline events: faster and surer than a stream that stalls. */
      networkChanged: (ctx, e: { online: boolean }) => ({ ...ctx, offline: !e.online }),
      agentKnown: (ctx, e: { agentName: string | null }) => ({ ...ctx, agentName: e.agentName }),
      retryStarted: (ctx, e: { clientMessageId: string }) => ({
        ...ctx,
        sending: true,
        error: null,
        messages: ctx.messages.map((m) =>
          m.clientMessageId === e.clientMessageId ? { ...m, pending: true, failed: false } : m,
        ),
      }),
      /** Nothing was sent (no session yet): only the error shows; the text stays in the box. */
      failedToStart: (ctx, e: { error: string }) => ({ ...ctx, sending: false, error: e.error }),
      reset: () => ({
        sessionId: null,
        token: null,
        state: 'greeting',
        owner: 'bot' as const,
        messages: [],
        buttons: [],
        sending: false,
        error: null,
        connected: false,
        turnSeq: 0,
        queue: null,
        operatorTypingUntil: 0,
        agentName: null,
        offline: false,
      }),
    },
  });
}

export type WidgetStore = ReturnType<typeof createWidgetStore>;
