// One answer-time bound for a whole Redis connection instead of a timer per command. Every `everyMs` the
// watchdog sends a PING on the connection; replies come back in order, so an answered PING means every
// command written before it was answered. A PING still unanswered after `boundMs` means the server stopped
// answering (a stopped process, a black-holed network: the socket stays open and nothing errors): the
// connection is dropped, which fails every pending command at once (the requests waiting on them answer
// 503), and opened again (commands fail at once while it is down: no offline queue).
// node-redis's per-command `timeout` does not do this: it stops counting once the command is written, and
// its `AbortSignal.timeout` timer per command cost 10-20 % of the CPU of a turn (docs/performance.md).
// On Redis Cluster every master's connection is watched the same way (the cluster's node clients, as they
// are at each tick: a rediscovery may replace them).
import type { RedisSingleClient } from './redis-client.ts';

export interface RedisWatchdogOptions {
  boundMs: number;
  everyMs: number;
  /** Told when a connection is dropped for not answering (the log line). */
  onStalled?: (silentMs: number) => void;
  onError?: (error: unknown) => void;
}

interface Probe {
  sentAt: number | null;
  reopening: boolean;
}

/**
 * Watches the connections `clients()` lists at each tick; stops when `open()` turns false (closed by its
 * owner). Returns the stop function.
 */
export function watchRedisAnswers(
  clients: () => Iterable<RedisSingleClient>,
  open: () => boolean,
  options: RedisWatchdogOptions,
): () => void {
  const probes = new WeakMap<RedisSingleClient, Probe>();
  const timer = setInterval(tick, options.everyMs);
  timer.unref();

  function tick(): void {
    if (!open()) {
      stop();
      return;
    }
    for (const client of clients()) {
      let probe = probes.get(client);
      if (!probe) {
        probe = { sentAt: null, reopening: false };
        probes.set(client, probe);
      }
      check(client, probe);
    }
  }

  function check(client: RedisSingleClient, probe: Probe): void {
    if (probe.reopening || !client.isOpen) return;
    if (probe.sentAt !== null) {
      const silentMs = Date.now() - probe.sentAt;
      if (silentMs >= options.boundMs) reopen(client, probe, silentMs);
      return;
    }
    if (!client.isReady) return; // reconnecting: the client fails commands at once meanwhile
    probe.sentAt = Date.now();
    const answered = () => {
      probe.sentAt = null;
    };
    client.ping().then(answered, answered);
  }

  function reopen(client: RedisSingleClient, probe: Probe, silentMs: number): void {
    probe.reopening = true;
    probe.sentAt = null;
    options.onStalled?.(silentMs);
    client.destroy();
    client
      .connect()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        probe.reopening = false;
      });
  }

  function stop(): void {
    clearInterval(timer);
  }
  return stop;
}
