// Risk covered: group commit of the Postgres write-through (src/storage/group.commit.ts) acknowledging a
// turn before the transaction holding it committed, or one bad write failing the turns that shared its
// transaction. The batch writer here is a plain function (the combinator knows nothing of Postgres); the
// write-through itself runs against real Postgres in test/fault/redis-loss.fault.test.ts.
import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../src/storage/group.commit.ts';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('groupCommit', () => {
  it('writes a lone item at once, and items arriving meanwhile together in the next batch', async () => {
    const batches: { items: number[]; done: ReturnType<typeof deferred> }[] = [];
    const write = groupCommit<number>(
      (items) => {
        const done = deferred();
        batches.push({ items, done });
        return done.promise;
      },
      { concurrency: 1, maxBatch: 3 },
    );
    const settled: number[] = [];
    const all = [1, 2, 3, 4, 5].map((n) => write(n).then(() => settled.push(n)));
    expect(batches.map((b) => b.items)).toEqual([[1]]);
    await Promise.resolve();
    expect(settled).toEqual([]); // not acknowledged before its transaction commits
    batches[0]?.done.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(settled).toEqual([1]);
    expect(batches.map((b) => b.items)).toEqual([[1], [2, 3, 4]]);
    batches[1]?.done.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(batches.map((b) => b.items)).toEqual([[1], [2, 3, 4], [5]]);
    batches[2]?.done.resolve();
    await Promise.all(all);
    expect(settled).toEqual([1, 2, 3, 4, 5]);
  });

  it('fails only the bad item of a failed batch: the others are written again alone', async () => {
    const calls: number[][] = [];
    const gate = deferred();
    const write = groupCommit<number>(
      async (items) => {
        calls.push(items);
        if (items.length === 1 && items[0] === 0) await gate.promise;
        if (items.includes(13)) throw new Error('bad row 13');
      },
      { concurrency: 1, maxBatch: 10 },
    );
    const first = write(0);
    const rest = [12, 13, 14].map((n) =>
      write(n).then(
        () => 'ok',
        (e: unknown) => (e instanceof Error ? e.message : 'error'),
      ),
    );
    gate.resolve();
    await first;
    expect(await Promise.all(rest)).toEqual(['ok', 'bad row 13', 'ok']);
    expect(calls[1]).toEqual([12, 13, 14]);
    expect(calls.slice(2).sort()).toEqual([[12], [13], [14]]);
  });
});
