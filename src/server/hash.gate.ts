// Bounds how many password hashes (scrypt: 32 MiB and tens of milliseconds of CPU each) run at once, and how
// many wait: a burst of logins queues for a few slots instead of taking every CPU and the libuv thread pool
// (where an admin's login waited 15.9 s behind 200 wrong ones); past the queue the answer is 503 busy.
export const GATE_FULL = Symbol('gate full');

export function createConcurrencyGate(options: { concurrency: number; maxWaiting: number }) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return {
    async run<T>(work: () => Promise<T>): Promise<T | typeof GATE_FULL> {
      if (running >= options.concurrency) {
        if (waiting.length >= options.maxWaiting) return GATE_FULL;
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else running++;
      try {
        return await work();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
  };
}
