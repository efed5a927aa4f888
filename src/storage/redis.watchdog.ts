// One answer-time bound for a whole Redis connection instead of a timer per command. Every `everyMs` the
// watchdog sends a PING on the connection; replies come back in order, so an answered PING means every
// command written before it was answered. A PING still unanswered after `boundMs` means the server stopped
// answering (a stopped process, a black-holed network: the socket stays open and nothing errors): the
// connection is dropped, which fails every pending command at once (the requests waiting on them answer
// 503), and opened again (commands fail at once while it is down: no offline queue).
// node-redis's per-command `timeout` does not do this: it stops counting once the command is written, and
// its `AbortSignal.timeout` timer per command cost 10-20 % of the CPU of a turn (docs/performance.md).
import type { RedisSingleClient } from './redis-client.ts';

export interface RedisWatchdogOptions {
  boundMs: number;
  everyMs: number;
  /** Told when the connection is dropped for not answering (the log line). */
  onStalled?: (silentMs: number) => void;
  onError?: (error: unknown) => void;
}

export function watchRedisAnswers(client: RedisSingleClient, options: RedisWatchdogOptions): () => void {
  let probeSentAt: number | null = null;
  let reopening = false;
  const timer = setInterval(tick, options.everyMs);
  timer.unref();

  function tick(): void {
    if (reopening) return;
    if (!client.isOpen) {
      stop(); // closed by its owner
      return;
    }
    if (probeSentAt !== null) {
      const silentMs = Date.now() - probeSentAt;
      if (silentMs >= options.boundMs) reopen(silentMs);
      return;
    }
    if (!client.isReady) return; // reconnecting: the client fails commands at once meanwhile
    probeSentAt = Date.now();
    const answered = () => {
      probeSentAt = null;
    };
    client.ping().then(answered, answered);
  }

  function reopen(silentMs: number): void {
    reopening = true;
    probeSentAt = null;
    options.onStalled?.(silentMs);
    client.destroy();
    client
      .connect()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        reopening = false;
      });
  }

  function stop(): void {
    clearInterval(timer);
  }
  return stop;
}
