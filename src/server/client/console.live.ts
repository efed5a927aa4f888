// The operator's live event stream (/api/v1/operator/events) and what each kind of event does: a
// (re)connect re-reads everything, typing lines, queue changes, notes, team changes, and turns, of the
// open conversation (shown in place) or of another one (unread counts and alerts).
import type { createAttention } from './console.attention.ts';
import type { Kind } from './console.kinds.ts';
import type { NoteItem } from './console.notes.view.ts';
import type { ConsoleShell } from './console.shell.ts';
import type { Message } from './console.store.ts';
import type { Later } from './console.timers.ts';
import { openEventStream } from './event-stream.ts';

export interface LiveDeps {
  shell: ConsoleShell;
  availability: { refresh(): Promise<void> };
  attention: ReturnType<typeof createAttention>;
  /** The kind of work on screen, and a re-read of its list. */
  kinds: { shown(): Kind; refreshShown(): void };
  noteArrived(note: NoteItem): void;
  later: Later;
}

type LiveData = Record<string, unknown>;
type Handler = (deps: LiveDeps, data: LiveData) => void;

export function openLiveEvents(deps: LiveDeps, onFatal: () => void) {
  const { auth } = deps.shell;
  return openEventStream({
    url: '/api/v1/operator/events',
    headers: (): Record<string, string> => {
      const token = auth.getSnapshot().context.token;
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    onStatus: (connected) => auth.trigger.connectionChanged({ connected }),
    onFatal,
    onEvent: (e) => {
      try {
        const data = JSON.parse(e.data);
        HANDLERS.get(e.event)?.(deps, data);
      } catch {}
    },
  });
}

function resynced({ shell, availability }: LiveDeps) {
  shell.auth.trigger.connectionChanged({ connected: true });
  void availability.refresh();
  void shell.refreshQueue();
  const id = shell.convo.getSnapshot().context.id;
  if (id) void shell.loadConversation(id);
}

function typing({ shell }: LiveDeps, data: LiveData) {
  const id = String(data.sessionId);
  const until = data.typing ? Date.now() + 6000 : 0;
  shell.queue.trigger.typing({ conversationId: id, until });
  shell.convo.trigger.visitorTyping({ id, until });
}

function queueChanged({ shell, kinds, later }: LiveDeps, data: LiveData) {
  shell.scheduleQueueRefresh(100);
  // A new ticket, a requester's answer, a callback whose window opened: the open work tab follows.
  if (kinds.shown() !== 'chats') later('work', 150, () => kinds.refreshShown());
  // Out of this agent's reach now (a colleague took it, or they transferred it): the open view stays
  // as it was, read-only, and says so (a re-read would only answer 403).
  const payload = data.payload as { reason?: unknown } | undefined;
  if (payload?.reason === 'out_of_reach') shell.convo.trigger.outOfReach({ id: String(data.sessionId) });
}

function teamChanged({ shell, availability }: LiveDeps, data: LiveData) {
  void shell.loadOperators();
  if (data.operatorId === shell.me()?.id) void availability.refresh();
}

function turn(deps: LiveDeps, data: LiveData) {
  const { shell } = deps;
  const id = String(data.sessionId);
  const state = String(data.state);
  const messages = (data.messages as Message[]) ?? [];
  const known = shell.queue.getSnapshot().context.items.some((i) => i.conversationId === id);
  if (shell.convo.getSnapshot().context.id === id) turnOfOpen(deps, data, messages);
  else turnElsewhere(deps, { id, state, messages, known });
  if (known || state.startsWith('escalated')) {
    shell.scheduleQueueRefresh(150);
    // The escalation row is written by the handoff worker just after the turn: look again shortly.
    if (state === 'escalated.queued' && !known) shell.scheduleQueueRefresh(1200, 'late');
  }
}

/** Shown in place; a change of state re-reads the conversation (its actions and findings move on). */
function turnOfOpen({ shell, later }: LiveDeps, data: LiveData, messages: Message[]) {
  const { convo } = shell;
  const id = String(data.sessionId);
  const state = String(data.state);
  const before = convo.getSnapshot().context.conversation?.state;
  convo.trigger.turn({
    id,
    seq: Number(data.seq),
    state,
    owner: data.owner === 'human' ? 'human' : 'bot',
    messages,
  });
  if (before !== state)
    later('conv', 150, () => {
      const open = convo.getSnapshot().context.id;
      if (open) void shell.loadConversation(open);
    });
}

/** A visitor wrote in a chat of the queue (or one just escalated): counted unread, and alerted. */
function turnElsewhere(
  { shell, attention }: LiveDeps,
  t: { id: string; state: string; messages: Message[]; known: boolean },
) {
  const wrote = t.messages.filter((m) => m.role === 'visitor');
  if (!wrote.length || !(t.known || t.state.startsWith('escalated'))) return;
  shell.queue.trigger.visitorWrote({ conversationId: t.id, count: wrote.length });
  const fresh = t.state === 'escalated.queued' && !t.known;
  attention.alert(
    fresh ? 'New chat waiting' : 'New visitor message',
    wrote.at(-1)?.text.slice(0, 120) ?? '',
    t.id,
  );
}

const HANDLERS = new Map<string, Handler>([
  ['ready', resynced],
  ['resync', resynced],
  ['typing', typing],
  ['queue', queueChanged],
  ['note', (deps, data) => deps.noteArrived(data as unknown as NoteItem)],
  ['team', teamChanged],
  ['turn', turn],
]);
