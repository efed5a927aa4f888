// Structured logs. Risk covered: an operator chasing one conversation through the logs cannot, because a
// turn's log line lacks the session id or the turn's sequence number (or is not JSON at all).
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';

describe('pino logs of a conversation', () => {
  const lines: Array<Record<string, unknown>> = [];
  let t: TestRuntime;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    t = await startTestRuntime({
      overrides: { logger: pino({ level: 'debug' }, sink), defaultMetrics: false },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('every turn of the session is logged as JSON with sessionId and seq', async () => {
    const v = await startVisitor(t.url);
    await v.send('can you help me with password');
    await v.send('can you connect me to agent');
    const mine = lines.filter((l) => l.sessionId === v.sessionId);
    const seqs = mine.filter((l) => typeof l.seq === 'number').map((l) => l.seq);
    expect(seqs).toEqual(expect.arrayContaining([1, 2, 3]));
    const committed = mine.find((l) => l.msg === 'turn committed' && l.seq === 3);
    expect(committed).toMatchObject({ from: 'troubleshooting', to: 'escalation_options', layer: 'keyword' });
    expect(typeof committed?.time).toBe('number');
    expect(typeof committed?.level).toBe('number');
  });
});
