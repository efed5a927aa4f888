// Group commit: writes that arrive while a transaction is in flight wait and go together in the next one,
// so N concurrent turns cost one Postgres transaction (five round trips) instead of N. Each write still
// resolves only once the transaction holding it has committed, so "acknowledged ⇒ durable" is unchanged.
// At concurrency 1 nothing waits: a lone write goes out at once, alone.

export interface GroupCommitOptions {
  /** Transactions in flight at once (each holds a pool connection). */
  concurrency: number;
  /** Most writes in one transaction (bounds the statement size). */
  maxBatch: number;
}

export function groupCommit<T>(
  writeBatch: (items: T[]) => Promise<void>,
  options: GroupCommitOptions,
): (item: T) => Promise<void> {
  type Waiting = { item: T; resolve: () => void; reject: (error: unknown) => void };
  let waiting: Waiting[] = [];
  let inFlight = 0;

  async function settle(batch: Waiting[]) {
    try {
      await writeBatch(batch.map((w) => w.item));
      for (const w of batch) w.resolve();
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      // One bad write must not fail the turns that shared its transaction: each goes again on its own.
      await Promise.all(
        batch.map((w) =>
          writeBatch([w.item]).then(
            () => w.resolve(),
            (e: unknown) => w.reject(e),
          ),
        ),
      );
    }
  }

  function pump() {
    while (inFlight < options.concurrency && waiting.length > 0) {
      const batch = waiting.slice(0, options.maxBatch);
      waiting = waiting.slice(batch.length);
      inFlight++;
      void settle(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  return (item) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      pump();
    });
}
