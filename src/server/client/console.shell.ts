// What every console view is given: the stores, the API client and the few shared moves (open a
// conversation, refresh the queue, run an operator action). Built once in console.ts.
import type { Api } from './console.api.ts';
import type { AuthStore, ConversationStore, OperatorInfo, QueueStore } from './console.store.ts';

export interface ConsoleShell {
  auth: AuthStore;
  queue: QueueStore;
  convo: ConversationStore;
  api: Api;
  me(): OperatorInfo | null;
  /** An operator's display name (or the start of their id when unknown). */
  operatorName(id: string | null): string | null;
  open(id: string): void;
  refreshQueue(): Promise<void>;
  scheduleQueueRefresh(ms: number, key?: string): void;
  loadConversation(id: string): Promise<void>;
  loadOperators(): Promise<void>;
  /** POSTs an operator action on the open conversation; false (with the error shown) when refused. */
  act(path: string, body: unknown, notice?: string): Promise<boolean>;
}
