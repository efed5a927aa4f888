// The console's client state in @xstate/store stores: who is logged in, the queue, the open conversation.
// Pure reducers, no DOM and no fetch: the view renders from the stores and the API client feeds them.
import { createStore } from '@xstate/store';
import type { z } from 'zod';
import type { operatorBody } from '../auth.schemas.ts';
import type { conversationResponse, deliveryItem, escalationItem } from '../operator.schemas.ts';

// The API's own response types (type-only imports: no zod in the bundle), never hand-written copies.
export type OperatorInfo = Pick<z.infer<typeof operatorBody>, 'id' | 'email' | 'displayName' | 'role'>;
export type Role = OperatorInfo['role'];
/** A colleague in the operator list: agents get no e-mail addresses. */
export type Teammate = Pick<OperatorInfo, 'id' | 'displayName' | 'role'> & { email?: string };
export type QueueItem = z.infer<typeof escalationItem>;
export type Priority = QueueItem['priority'];
export type Conversation = z.infer<typeof conversationResponse>;
export type Message = Conversation['messages'][number];
export type Delivery = z.infer<typeof deliveryItem>;

export type QueueView = 'waiting' | 'mine' | 'active' | 'closed';

export interface QueueFilter {
  view: QueueView;
  q: string;
  priority: string;
  category: string;
}

// ── who is logged in ────────────────────────────────────────────────────────────────────────────────
export function createAuthStore(saved: { token: string | null }) {
  return createStore({
    context: {
      token: saved.token,
      operator: null as OperatorInfo | null,
      operators: [] as Teammate[],
      loginError: null as string | null,
      busy: false,
      connected: false,
    },
    on: {
      loginStarted: (ctx) => ({ ...ctx, busy: true, loginError: null }),
      loginFailed: (ctx, e: { error: string }) => ({ ...ctx, busy: false, loginError: e.error }),
      loggedIn: (ctx, e: { token: string; operator: OperatorInfo }) => ({
        ...ctx,
        busy: false,
        loginError: null,
        token: e.token,
        operator: e.operator,
      }),
      loggedOut: (ctx, e: { reason?: string }) => ({
        ...ctx,
        token: null,
        operator: null,
        busy: false,
        connected: false,
        loginError: e.reason ?? null,
      }),
      operatorsLoaded: (ctx, e: { operators: Teammate[] }) => ({ ...ctx, operators: e.operators }),
      connectionChanged: (ctx, e: { connected: boolean }) => ({ ...ctx, connected: e.connected }),
    },
  });
}

// ── the queue ───────────────────────────────────────────────────────────────────────────────────────
export function createQueueStore() {
  return createStore({
    context: {
      items: [] as QueueItem[],
      total: 0,
      loading: false,
      error: null as string | null,
      filter: { view: 'active', q: '', priority: '', category: '' } as QueueFilter,
      /** Visitor messages that arrived in conversations that are not open. */
      unread: {} as Record<string, number>,
      /** Conversation → time (ms) until which the visitor counts as typing. */
      typing: {} as Record<string, number>,
      loadedAt: 0,
    },
    on: {
      loading: (ctx) => ({ ...ctx, loading: true }),
      loaded: (ctx, e: { items: QueueItem[]; total: number; at: number }) => ({
        ...ctx,
        loading: false,
        error: null,
        items: e.items,
        total: e.total,
        loadedAt: e.at,
      }),
      failed: (ctx, e: { error: string }) => ({ ...ctx, loading: false, error: e.error }),
      filterChanged: (ctx, e: Partial<QueueFilter>) => ({ ...ctx, filter: { ...ctx.filter, ...e } }),
      visitorWrote: (ctx, e: { conversationId: string; count: number }) => ({
        ...ctx,
        unread: { ...ctx.unread, [e.conversationId]: (ctx.unread[e.conversationId] ?? 0) + e.count },
        typing: { ...ctx.typing, [e.conversationId]: 0 },
      }),
      read: (ctx, e: { conversationId: string }) => {
        if (!ctx.unread[e.conversationId]) return ctx;
        const unread = { ...ctx.unread };
        delete unread[e.conversationId];
        return { ...ctx, unread };
      },
      typing: (ctx, e: { conversationId: string; until: number }) => ({
        ...ctx,
        typing: { ...ctx.typing, [e.conversationId]: e.until },
      }),
    },
  });
}

function mergeMessages(existing: Message[], incoming: Message[]): Message[] {
  const bySeq = new Map<number, Message>();
  for (const m of existing) bySeq.set(m.seq, m);
  for (const m of incoming) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

// ── the open conversation ───────────────────────────────────────────────────────────────────────────
export function createConversationStore() {
  return createStore({
    context: {
      id: null as string | null,
      conversation: null as Conversation | null,
      messages: [] as Message[],
      loading: false,
      error: null as string | null,
      notice: null as string | null,
      busy: false,
      /** Which inline form is open: resolve notes, escalation reason, or none. */
      form: null as 'resolve' | 'escalate' | null,
      visitorTypingUntil: 0,
    },
    on: {
      opened: (ctx, e: { id: string }) =>
        ctx.id === e.id
          ? ctx
          : {
              ...ctx,
              id: e.id,
              conversation: null,
              messages: [],
              loading: true,
              error: null,
              notice: null,
              form: null,
              visitorTypingUntil: 0,
            },
      loaded: (ctx, e: { conversation: Conversation }) =>
        ctx.id !== e.conversation.conversationId
          ? ctx
          : {
              ...ctx,
              loading: false,
              error: null,
              conversation: e.conversation,
              messages: mergeMessages(ctx.messages, e.conversation.messages),
            },
      failed: (ctx, e: { error: string }) => ({ ...ctx, loading: false, error: e.error }),
      closed: (ctx) => ({ ...ctx, id: null, conversation: null, messages: [], form: null, notice: null }),
      /**
       * The open conversation left this agent's reach (a colleague took it, or they transferred it): keep
       * what was shown, offer no action, and say so unless an action of theirs already said where it went.
       */
      outOfReach: (ctx, e: { id: string }) =>
        ctx.id !== e.id || !ctx.conversation
          ? ctx
          : {
              ...ctx,
              form: null,
              notice:
                ctx.notice ??
                'Another agent has this conversation now: only they or an admin can go on with it.',
              conversation: {
                ...ctx.conversation,
                allowed: Object.fromEntries(
                  Object.keys(ctx.conversation.allowed).map((k) => [k, false]),
                ) as Conversation['allowed'],
              },
            },
      /** A turn from the live stream (or an action's answer) for the open conversation. */
      turn: (
        ctx,
        e: { id: string; seq: number; state: string; owner: 'bot' | 'human'; messages: Message[] },
      ) => {
        if (ctx.id !== e.id) return ctx;
        const conversation =
          ctx.conversation && e.seq >= ctx.conversation.seq
            ? {
                ...ctx.conversation,
                seq: e.seq,
                state: e.state,
                owner: e.owner,
                botEnabled: e.owner === 'bot',
              }
            : ctx.conversation;
        const visitorSpoke = e.messages.some((m) => m.role === 'visitor');
        return {
          ...ctx,
          conversation,
          messages: mergeMessages(ctx.messages, e.messages),
          visitorTypingUntil: visitorSpoke ? 0 : ctx.visitorTypingUntil,
        };
      },
      actionStarted: (ctx) => ({ ...ctx, busy: true, notice: null }),
      actionDone: (ctx, e: { notice?: string }) => ({
        ...ctx,
        busy: false,
        notice: e.notice ?? null,
        form: null,
      }),
      actionFailed: (ctx, e: { error: string }) => ({ ...ctx, busy: false, notice: e.error }),
      formOpened: (ctx, e: { form: 'resolve' | 'escalate' | null }) => ({
        ...ctx,
        form: e.form,
        notice: null,
      }),
      visitorTyping: (ctx, e: { id: string; until: number }) =>
        ctx.id === e.id ? { ...ctx, visitorTypingUntil: e.until } : ctx,
    },
  });
}

export type AuthStore = ReturnType<typeof createAuthStore>;
export type QueueStore = ReturnType<typeof createQueueStore>;
export type ConversationStore = ReturnType<typeof createConversationStore>;
/** What the conversation store holds: the open conversation, its transcript, the form and notice shown. */
export type OpenConversation = ReturnType<ConversationStore['getSnapshot']>['context'];

/** "3m 05s", "45s", "1h 02m". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

const RANK: Record<Priority, number> = { urgent: 4, high: 3, medium: 2, low: 1 };
/** Priority first, then the longest waiting: the same order as the server's. */
export function queueOrder(a: QueueItem, b: QueueItem): number {
  return RANK[b.priority] - RANK[a.priority] || Date.parse(a.createdAt) - Date.parse(b.createdAt);
}
