// The SessionStore contract every adapter passes (Postgres/PGlite and Redis). Risks covered: a lost update
// (two turns both committing on the same version), a re-sent message processed twice (also when the two
// copies reach different processes), effects written by a commit that did not win, a transcript out of
// order, a stored answer that differs from the one first given, and a committed turn without the timer
// it armed (or a timer armed by a commit that did not win).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, StorageHarness } from './backends.ts';
import { newSession, turnCommit } from './turns.ts';

export function sessionStoreContract(backend: Backend): void {
  describe.runIf(backend.enabled)(`SessionStore contract: ${backend.name}`, () => {
    let h: StorageHarness;
    beforeAll(async () => {
      h = await backend.create();
    });
    afterAll(async () => {
      await h?.close();
    });

    it('creates a session and loads it back', async () => {
      const s = newSession();
      await h.store.create(s);
      const loaded = await h.otherStore.load(s.id);
      expect(loaded).toMatchObject({
        id: s.id,
        tokenHash: s.tokenHash,
        schemaVersion: 1,
        version: 1,
        state: 'greeting',
        owner: 'bot',
        messageCount: 1,
      });
      expect(loaded?.snapshot).toEqual(s.snapshot);
      expect(Date.parse(loaded?.createdAt ?? '')).toBe(Date.parse(s.at));
      expect(await h.store.messages(s.id)).toEqual(s.messages);
    });

    it('refuses to create a session id twice', async () => {
      const s = newSession();
      await h.store.create(s);
      await expect(h.otherStore.create({ ...s, tokenHash: 'other' })).rejects.toThrow();
      expect((await h.store.load(s.id))?.tokenHash).toBe(s.tokenHash);
    });

    it('answers null for an unknown session and an unknown clientMessageId', async () => {
      expect(await h.store.load('no-such-session')).toBeNull();
      const s = newSession();
      await h.store.create(s);
      expect(await h.store.findTurn(s.id, 'never-sent')).toBeNull();
      expect(await h.store.findTurn('no-such-session', 'never-sent')).toBeNull();
    });

    it('commits at the current version only: a stale version is a conflict, not a lost update', async () => {
      const s = newSession();
      await h.store.create(s);
      const first = turnCommit(s.id, 1, 1, { state: 'troubleshooting' });
      expect(await h.store.commit(first)).toEqual({ outcome: 'committed' });
      const stale = turnCommit(s.id, 1, 1, { state: 'escalation_options' });
      expect(await h.otherStore.commit(stale)).toEqual({ outcome: 'conflict' });
      const loaded = await h.store.load(s.id);
      expect(loaded).toMatchObject({ version: 2, state: 'troubleshooting', messageCount: 3 });
      expect(loaded?.snapshot).toEqual(first.snapshot);
      expect((await h.store.messages(s.id)).map((m) => m.text)).toEqual([
        s.messages[0]?.text,
        ...first.messages.map((m) => m.text),
      ]);
    });

    it('of many concurrent commits on one version, across two connections, exactly one wins', async () => {
      const s = newSession();
      await h.store.create(s);
      const attempts = Array.from({ length: 12 }, (_, i) =>
        turnCommit(s.id, 1, 1, { text: `contender ${i}` }),
      );
      const results = await Promise.all(
        attempts.map((c, i) => (i % 2 === 0 ? h.store : h.otherStore).commit(c)),
      );
      expect(results.filter((r) => r.outcome === 'committed')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'conflict')).toHaveLength(11);
      const winner = attempts[results.findIndex((r) => r.outcome === 'committed')];
      const messages = await h.store.messages(s.id);
      expect(messages.map((m) => m.text)).toEqual([
        s.messages[0]?.text,
        ...(winner?.messages ?? []).map((m) => m.text),
      ]);
      expect((await h.store.load(s.id))?.version).toBe(2);
    });

    it('a re-sent clientMessageId returns the first answer and writes nothing, from any connection', async () => {
      const s = newSession();
      await h.store.create(s);
      const first = turnCommit(s.id, 1, 1, { clientMessageId: 'same-id', withButtons: true });
      expect(await h.store.commit(first)).toEqual({ outcome: 'committed' });
      // The copy reached another process that loaded the session after the first commit (version 2).
      const copy = turnCommit(s.id, 2, 3, { clientMessageId: 'same-id', text: 'different text' });
      const again = await h.otherStore.commit(copy);
      expect(again).toEqual({ outcome: 'duplicate', response: first.response });
      // …or before it (version 1): a conflict (the engine reloads and finds the turn) or the duplicate.
      const early = await h.otherStore.commit(turnCommit(s.id, 1, 1, { clientMessageId: 'same-id' }));
      expect([{ outcome: 'conflict' }, { outcome: 'duplicate', response: first.response }]).toContainEqual(
        early,
      );
      expect(await h.otherStore.findTurn(s.id, 'same-id')).toEqual(first.response);
      expect(await h.store.load(s.id)).toMatchObject({ version: 2, messageCount: 3 });
      expect(await h.store.messages(s.id)).toHaveLength(3);
    });

    it('two copies of one message committed at once: one commit, and both see the same answer', async () => {
      const s = newSession();
      await h.store.create(s);
      const a = turnCommit(s.id, 1, 1, { clientMessageId: 'racing' });
      const b = turnCommit(s.id, 1, 1, { clientMessageId: 'racing' });
      const results = await Promise.all([h.store.commit(a), h.otherStore.commit(b)]);
      expect(results.filter((r) => r.outcome === 'committed')).toHaveLength(1);
      const winner = results[0]?.outcome === 'committed' ? a : b;
      for (const r of results) if (r.outcome === 'duplicate') expect(r.response).toEqual(winner.response);
      expect(await h.store.findTurn(s.id, 'racing')).toEqual(winner.response);
      expect(await h.store.messages(s.id)).toHaveLength(3);
    });

    it('stores every response exactly, operator messages and buttons included', async () => {
      const s = newSession();
      await h.store.create(s);
      const withButtons = turnCommit(s.id, 1, 1, { withButtons: true });
      const operator = turnCommit(s.id, 2, 3, { operator: true, state: 'escalated.assigned' });
      // A response that is not derivable from the messages (a caller may store anything).
      const odd = turnCommit(s.id, 3, 5);
      odd.response = { ...odd.response, replies: [], buttons: [{ id: 'x', label: 'X' }] };
      for (const c of [withButtons, operator, odd])
        expect(await h.store.commit(c)).toEqual({ outcome: 'committed' });
      for (const c of [withButtons, operator, odd])
        expect(await h.otherStore.findTurn(s.id, c.clientMessageId ?? '')).toEqual(c.response);
      expect(await h.store.messages(s.id)).toEqual([
        ...s.messages,
        ...withButtons.messages,
        ...operator.messages,
        ...odd.messages,
      ]);
      expect(await h.store.load(s.id)).toMatchObject({ owner: 'bot', state: 'troubleshooting', version: 4 });
    });

    it('returns messages in order, and afterSeq / limit select the same way on every store', async () => {
      const s = newSession();
      await h.store.create(s);
      let messageCount = 1;
      for (let v = 1; v <= 6; v++) {
        await h.store.commit(turnCommit(s.id, v, messageCount));
        messageCount += 2;
      }
      const all = await h.store.messages(s.id);
      expect(all.map((m) => m.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
      expect((await h.store.messages(s.id, { afterSeq: 10 })).map((m) => m.seq)).toEqual([11, 12, 13]);
      expect((await h.store.messages(s.id, { limit: 4 })).map((m) => m.seq)).toEqual([10, 11, 12, 13]);
      expect((await h.store.messages(s.id, { afterSeq: 11, limit: 4 })).map((m) => m.seq)).toEqual([12, 13]);
      expect(await h.store.messages(s.id, { afterSeq: 13 })).toEqual([]);
      expect(await h.store.messages('no-such-session')).toEqual([]);
    });

    it('records one trace entry per committed turn, in order, readable right after the commit', async () => {
      const s = newSession();
      await h.store.create(s);
      const [first, second, third] = [turnCommit(s.id, 1, 1), turnCommit(s.id, 2, 3), turnCommit(s.id, 3, 5)];
      const commits = [first, second, third];
      await h.store.commit(first);
      await h.store.commit(second);
      await h.store.commit(turnCommit(s.id, 1, 1)); // conflict: no trace
      const expected = [s.trace, ...commits.map((c) => c.trace)];
      // Effect handlers read the trace of the turn that caused them at once (no waiting for a sink).
      expect(await h.otherStore.trace(s.id)).toEqual(expected.slice(0, 3));
      await h.settle();
      await h.store.commit(third);
      expect(await h.otherStore.trace(s.id)).toEqual(expected);
      await h.settle();
      expect(await h.store.trace(s.id)).toEqual(expected);
    });

    it('a commit to a session that does not exist is a conflict and writes nothing', async () => {
      const c = turnCommit('ghost-session', 1, 1, { effects: ['notifyOperators'] });
      expect(await h.store.commit(c)).toEqual({ outcome: 'conflict' });
      expect(await h.store.load('ghost-session')).toBeNull();
      expect(await h.store.messages('ghost-session')).toEqual([]);
    });

    it('writes effects only with the commit that wins (not with a conflict or a duplicate)', async () => {
      const s = newSession({ effects: ['recordDetection'] });
      await h.store.create(s);
      const win = turnCommit(s.id, 1, 1, {
        clientMessageId: 'fx',
        effects: ['createHandoff', 'notifyOperators'],
      });
      const lose = turnCommit(s.id, 1, 1, { effects: ['createHandoff'] });
      const dup = turnCommit(s.id, 2, 3, { clientMessageId: 'fx', effects: ['createHandoff'] });
      expect(await h.store.commit(win)).toEqual({ outcome: 'committed' });
      expect((await h.otherStore.commit(lose)).outcome).toBe('conflict');
      expect((await h.otherStore.commit(dup)).outcome).toBe('duplicate');
      const claimed = [];
      for (let batch = await h.effectLog.claim('contract', 100, 60_000); batch.length > 0; ) {
        claimed.push(...batch);
        batch = await h.effectLog.claim('contract', 100, 60_000);
      }
      const mine = claimed.filter((e) => e.sessionId === s.id);
      expect(mine.map((e) => e.idempotencyKey).sort()).toEqual(
        [...s.effects, ...win.effects].map((e) => e.idempotencyKey).sort(),
      );
      const handoff = mine.find((e) => e.type === 'createHandoff');
      expect(handoff).toMatchObject({ seq: 2, params: win.effects[0]?.params, attempts: 1 });
      for (const e of claimed) await h.effectLog.complete(e);
    });

    it('arms and cancels timers with the commit that wins, at its version, and only with it', async () => {
      const s = newSession();
      const greetedAt = new Date(Date.parse(s.at) + 60_000);
      await h.store.create({ ...s, timers: [{ op: 'arm', kind: 'inactivity', dueAt: greetedAt }] });
      expect(await h.timerStore.get(s.id, 'inactivity')).toEqual({ dueAt: greetedAt, armedAtVersion: 1 });

      const later = new Date(greetedAt.getTime() + 60_000);
      const win = turnCommit(s.id, 1, 1);
      const lose = turnCommit(s.id, 1, 1);
      expect(
        await h.store.commit({
          ...win,
          timers: [
            { op: 'arm', kind: 'inactivity', dueAt: later },
            { op: 'arm', kind: 'sla_reminder', dueAt: later },
          ],
        }),
      ).toEqual({ outcome: 'committed' });
      const stale = { op: 'arm' as const, kind: 'inactivity' as const, dueAt: new Date(0) };
      expect((await h.otherStore.commit({ ...lose, timers: [stale] })).outcome).toBe('conflict');
      expect(await h.otherTimerStore.get(s.id, 'inactivity')).toEqual({ dueAt: later, armedAtVersion: 2 });
      expect(await h.otherTimerStore.get(s.id, 'sla_reminder')).toEqual({ dueAt: later, armedAtVersion: 2 });

      const cancel = turnCommit(s.id, 2, 3);
      await h.store.commit({ ...cancel, timers: [{ op: 'cancel', kind: 'sla_reminder' }] });
      expect(await h.timerStore.get(s.id, 'sla_reminder')).toBeNull();
      expect(await h.timerStore.get(s.id, 'inactivity')).toEqual({ dueAt: later, armedAtVersion: 2 });
    });
  });
}
