// The shell's shared moves (console.shell.ts): open a conversation (and its `#conversation/<id>` link),
// load it, run an operator action on it, load the operator list.
import { type Api, ApiError } from './console.api.ts';
import { shortId } from './console.format.ts';
import type { ConsoleShell } from './console.shell.ts';
import type {
  AuthStore,
  Conversation,
  ConversationStore,
  Message,
  QueueStore,
  Teammate,
} from './console.store.ts';

export interface ShellStores {
  auth: AuthStore;
  queue: QueueStore;
  convo: ConversationStore;
  api: Api;
}

/** What the shell leaves to the views built after it. */
export interface ShellHooks {
  refreshQueue(): Promise<void>;
  scheduleQueueRefresh(ms: number, key?: string): void;
  /** Brings the Live chats tab forward: conversations open there. */
  showChats(): void;
}

export function createShell(stores: ShellStores, hooks: ShellHooks): ConsoleShell {
  const { auth } = stores;
  const shell: ConsoleShell = {
    ...stores,
    me: () => auth.getSnapshot().context.operator,
    operatorName: (id) =>
      id ? (auth.getSnapshot().context.operators.find((o) => o.id === id)?.displayName ?? shortId(id)) : null,
    open: (id) => openConversation(shell, hooks.showChats, id),
    refreshQueue: hooks.refreshQueue,
    scheduleQueueRefresh: hooks.scheduleQueueRefresh,
    loadConversation: (id) => loadConversation(stores, id),
    loadOperators: () => loadOperators(stores),
    act: (path, body, notice) => act(shell, path, body, notice),
  };
  return shell;
}

function openConversation(shell: ConsoleShell, showChats: () => void, id: string) {
  showChats();
  if (location.hash !== `#conversation/${id}`) history.replaceState(null, '', `#conversation/${id}`);
  shell.convo.trigger.opened({ id });
  shell.queue.trigger.read({ conversationId: id });
  void shell.loadConversation(id);
}

/** `#conversation/<id>` opens that conversation: a link an operator can share or bookmark. */
export function openFromHash(shell: ConsoleShell) {
  const match = /^#conversation\/([\w-]{8,64})$/.exec(location.hash);
  if (match?.[1] && match[1] !== shell.convo.getSnapshot().context.id) shell.open(match[1]);
}

export function followHash(shell: ConsoleShell) {
  window.addEventListener('hashchange', () => {
    if (shell.auth.getSnapshot().context.operator) openFromHash(shell);
  });
}

async function loadConversation({ api, convo }: ShellStores, id: string) {
  try {
    const conversation = await api<Conversation>(`/conversations/${encodeURIComponent(id)}`);
    convo.trigger.loaded({ conversation });
  } catch (e) {
    // A conversation on screen that this agent may no longer read (just transferred, or taken by a
    // colleague): keep it read-only rather than blank it with the refusal.
    const shownBefore = convo.getSnapshot().context.conversation?.conversationId === id;
    if (e instanceof ApiError && e.status === 403 && shownBefore) convo.trigger.outOfReach({ id });
    else convo.trigger.failed({ error: (e as Error).message });
  }
}

async function loadOperators({ api, auth }: ShellStores) {
  try {
    const { operators } = await api<{ operators: Teammate[] }>('/operators');
    auth.trigger.operatorsLoaded({ operators });
  } catch {}
}

interface TurnBody {
  seq: number;
  state: string;
  owner: 'bot' | 'human';
  messages: Message[];
}

async function act(shell: ConsoleShell, path: string, body: unknown, notice?: string): Promise<boolean> {
  const { convo } = shell;
  const id = convo.getSnapshot().context.id;
  if (!id) return false;
  convo.trigger.actionStarted();
  try {
    const turn = await shell.api<TurnBody>(`/conversations/${encodeURIComponent(id)}/${path}`, {
      method: 'POST',
      body,
    });
    convo.trigger.turn({ id, ...turn });
    convo.trigger.actionDone({ notice });
    void shell.loadConversation(id);
    shell.scheduleQueueRefresh(100);
    return true;
  } catch (e) {
    convo.trigger.actionFailed({ error: (e as Error).message });
    return false;
  }
}
