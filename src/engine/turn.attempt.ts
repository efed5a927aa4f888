// One attempt of a turn: load the session, check access and idempotency, plan the inbound, run the pure
// transition, build what the turn writes and compare-and-set commit it; 'retry' after a version conflict.
import { transition } from 'xstate';
import type { CommitOutcome, StoredSession, TurnCommit } from '../storage/session.store.ts';
import { followCommit } from './commit.followups.ts';
import { planDesk } from './desk.plan.ts';
import type { EngineContext } from './engine.context.ts';
import type { HandleOptions, HandleResult, Inbound } from './inbound.ts';
import { planOperator } from './operator.plan.ts';
import {
  type ConversationSnapshot,
  persistSnapshot,
  rehydrateSnapshot,
  SNAPSHOT_SCHEMA_VERSION,
  statePath,
} from './snapshot.codec.ts';
import { planHandoffFailure, planTimer } from './system.plan.ts';
import { deliversTo } from './turn.delivery.ts';
import { extrasFor } from './turn.extras.ts';
import {
  addContactEffect,
  addIntentLogEffect,
  buildTurnOutput,
  type TurnOutput,
  traceOf,
} from './turn.output.ts';
import type { Planned } from './turn.plan.ts';
import type { StageClock } from './turn.stages.ts';
import type { ChatMessage, TraceEntry } from './turn.types.ts';
import { planVisitor, type Reuse } from './visitor.plan.ts';

/** The machine event for an inbound, by its kind; synchronous where no lookup is needed. */
function planTurn(
  ctx: EngineContext,
  inbound: Inbound,
  session: StoredSession,
  snapshot: ConversationSnapshot,
  at: string,
  reuse: Reuse,
): Promise<Planned | HandleResult> | Planned | HandleResult {
  switch (inbound.kind) {
    case 'visitor':
      return planVisitor(ctx.visitorPlanDeps, inbound, session.id, snapshot, at, reuse);
    case 'operator':
      return ctx.deps.liveChatHolder
        ? ctx.deps.liveChatHolder(session.id).then((heldBy) => planOperator(inbound, snapshot, at, heldBy))
        : planOperator(inbound, snapshot, at, null);
    case 'timer':
      return planTimer(inbound, session.version, snapshot, at);
    case 'handoff':
      return planHandoffFailure(inbound, snapshot, at);
    case 'desk':
      return planDesk(inbound.event, snapshot, at);
  }
}

/** The transcript line of an operator's (or desk agent's) reply; null for other events. */
function operatorMessageOf(planned: Planned, at: string): ChatMessage | null {
  const event = planned.event;
  if (event.type === 'OPERATOR.MESSAGE' || event.type === 'DESK.AGENT_REPLIED')
    return { seq: 0, role: 'operator', text: event.text, at, agentId: event.agentId };
  return null;
}

/** What an attempt writes in one compare-and-set: the next snapshot, transcript, trace, effects and timers. */
function turnCommit(
  ctx: EngineContext,
  sessionId: string,
  expectedVersion: number,
  clientKey: string | null,
  out: TurnOutput,
  trace: TraceEntry,
  next: ConversationSnapshot,
  at: string,
): TurnCommit {
  const snapshot = persistSnapshot(ctx.machine, next);
  const timers = ctx.deps.timerChanges?.({ trace, snapshot: next }) ?? [];
  return {
    sessionId,
    expectedVersion,
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    snapshot,
    state: out.state,
    owner: out.owner,
    clientMessageId: clientKey,
    messages: out.messages,
    trace,
    response: out.response,
    effects: out.effects,
    timers,
    at,
  };
}

/**
 * The commit, and the cache kept in step with it: the session as now stored after a commit; nothing after
 * a conflict, a duplicate (another process's turn came first) or a failure whose outcome is unknown.
 */
async function commitRemembering(
  ctx: EngineContext,
  session: StoredSession,
  commit: TurnCommit,
): Promise<CommitOutcome> {
  const cache = ctx.sessionCache;
  if (!cache) return ctx.store.commit(commit);
  cache.forget(session.id);
  const result = await ctx.store.commit(commit);
  if (result.outcome === 'committed')
    cache.remember({
      ...session,
      schemaVersion: commit.schemaVersion,
      version: commit.expectedVersion + 1,
      state: commit.state,
      owner: commit.owner,
      snapshot: commit.snapshot,
      messageCount: session.messageCount + commit.messages.length,
      updatedAt: commit.at,
    });
  return result;
}

export async function attemptTurn(
  ctx: EngineContext,
  sessionId: string,
  inbound: Inbound,
  options: HandleOptions,
  clientKey: string | null,
  reuse: { current: Reuse },
  startedAt: number,
  clock: StageClock | null,
): Promise<HandleResult | 'retry'> {
  const { machine, store, knowledge, sessionCache } = ctx;
  // A session this process committed last is taken from memory: the commit's version check and its own
  // clientMessageId check make that safe (session.cache.ts). Otherwise the session and the answer to an
  // already-seen clientMessageId are read together: on Redis the two commands share one round trip
  // (node-redis pipelines concurrent commands). The previous answer is only handed out after the edge's
  // access check.
  const cached = sessionCache?.get(sessionId);
  const [session, previous] = cached
    ? [cached, null]
    : await Promise.all([store.load(sessionId), clientKey ? store.findTurn(sessionId, clientKey) : null]);
  if (!session) return { outcome: 'not_found' };
  if (options.authorize && !options.authorize(session)) return { outcome: 'unauthorized' };
  clock?.lap('load');
  if (previous) return { outcome: 'duplicate', response: previous };
  clock?.lap('idempotency');
  const snapshot = rehydrateSnapshot(machine, session.schemaVersion, session.snapshot);
  clock?.lap('load');
  const at = ctx.deps.now().toISOString();
  const planned = await planTurn(ctx, inbound, session, snapshot, at, reuse.current);
  if ('outcome' in planned) return planned;
  clock?.lap('detect');
  const from = statePath(snapshot);
  reuse.current = { state: from, detection: planned.detection };

  const [next, actions] = transition(machine, snapshot, planned.event);
  const seq = session.version + 1;
  const extras = await extrasFor(ctx, sessionId, planned, next, actions);
  const out = buildTurnOutput(
    {
      sessionId,
      seq,
      firstMessageSeq: session.messageCount + 1,
      at,
      inboundMessage: planned.inboundMessage,
      operatorMessage: operatorMessageOf(planned, at),
      next,
      actions,
      extras,
      deliverToVisitor: await deliversTo(ctx, sessionId, inbound),
    },
    knowledge,
  );
  // A turn that asked the LLM is logged to intent_analysis_log by an effect: written after the commit,
  // at least once and idempotently (one row per turn), and never lost to a crash after the commit.
  addIntentLogEffect(out, planned, sessionId, seq, at);
  addContactEffect(
    out,
    {
      before: snapshot.context.visitor,
      after: next.context,
      event: planned.event,
      actions,
      from,
      to: out.state,
      ...(extras.ticketNumber ? { ticketNumber: extras.ticketNumber } : {}),
    },
    sessionId,
    seq,
    at,
  );
  const trace = traceOf({
    sessionId,
    seq,
    at,
    inbound: planned.inboundTrace,
    detection: planned.detection,
    event: planned.event,
    from,
    out,
    actions,
    extras,
  });
  const commit = turnCommit(ctx, sessionId, session.version, clientKey, out, trace, next, at);
  clock?.lap('transition');
  const result = await commitRemembering(ctx, session, commit);
  clock?.lap('commit');
  if (result.outcome === 'duplicate') return { outcome: 'duplicate', response: result.response };
  if (result.outcome === 'conflict') return 'retry';
  ctx.logger.debug(
    { sessionId, seq, from, to: out.state, event: planned.event.type, layer: planned.detection?.layer },
    'turn committed',
  );
  await followCommit(ctx, trace, next, out, startedAt, clock);
  return { outcome: 'ok', response: out.response };
}
