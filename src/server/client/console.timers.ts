// Debounced re-reads: a burst of live events reloads the queue (or the open conversation) once.

/** `later(key, ms, run)` runs `run` in `ms`, replacing whatever was waiting under the same key. */
export type Later = (key: string, ms: number, run: () => void) => void;

export function keyedTimers(): Later {
  const timers: Record<string, number> = {};
  return (key, ms, run) => {
    clearTimeout(timers[key]);
    timers[key] = window.setTimeout(run, ms);
  };
}
