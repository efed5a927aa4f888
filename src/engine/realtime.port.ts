// Real-time fan-out of committed turns to widgets and consoles. In-process on the embedded default;
// Redis pub/sub when several processes share the work.
import { EventEmitter } from 'node:events';

export interface RealtimeEvent {
  sessionId: string;
  seq: number;
  /**
   * `note`: an internal note (operators' channel only, never a session's); `operator`: an account changed
   * (deactivated, password reset), so that operator's open console streams end.
   */
  kind: 'turn' | 'typing' | 'queue' | 'note' | 'operator';
  payload: unknown;
}

export interface Realtime {
  publish(channel: string, event: RealtimeEvent): Promise<void>;
  subscribe(channel: string, handler: (event: RealtimeEvent) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export const OPERATORS_CHANNEL = 'operators';
export const sessionChannel = (sessionId: string) => `session:${sessionId}`;

export function createInProcessRealtime(): Realtime {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    async publish(channel, event) {
      emitter.emit(channel, event);
    },
    async subscribe(channel, handler) {
      emitter.on(channel, handler);
      return async () => {
        emitter.off(channel, handler);
      };
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}
