// A new session: the machine's initial state and greeting, committed as turn 1 with a fresh bearer token.
import { randomBytes } from 'node:crypto';
import { initialTransition } from 'xstate';
import type { ChannelName } from '../channels/channel.port.ts';
import type { Knowledge } from '../content/knowledge.ts';
import type { VisitorBrowser, VisitorInfo } from '../machines/conversation.context.ts';
import { followCommit } from './commit.followups.ts';
import type { EngineContext } from './engine.context.ts';
import { hashToken } from './session.token.ts';
import { persistSnapshot, SNAPSHOT_SCHEMA_VERSION } from './snapshot.codec.ts';
import { deliversTo } from './turn.delivery.ts';
import { addContactEffect, buildTurnOutput, traceOf } from './turn.output.ts';
import type { TurnResponse } from './turn.types.ts';

export interface StartResult {
  sessionId: string;
  token: string;
  response: TurnResponse;
}

export interface StartOptions {
  visitor?: VisitorInfo;
  /** The visitor's language, when their channel knows it before they write (the widget's `lang`). */
  language?: string;
  /** What the visitor's browser reported (the web widget): page, referrer, user agent, time zone, locale. */
  browser?: VisitorBrowser;
  /** Where the visitor writes from (default web). */
  channel?: ChannelName;
  /** A session id chosen by the caller (a channel's session claim); default a new id. */
  sessionId?: string;
}

/** Only a language we have content for: anything else is English, as if nothing had been said. */
function knownLanguage(knowledge: Knowledge, language: string | undefined): string | undefined {
  return language && language !== knowledge.defaultLanguage && Object.hasOwn(knowledge.languages, language)
    ? language
    : undefined;
}

export async function startSession(ctx: EngineContext, options: StartOptions = {}): Promise<StartResult> {
  const { deps, machine, knowledge } = ctx;
  const startedAt = performance.now();
  const sessionId = options.sessionId ?? deps.newId();
  const token = randomBytes(24).toString('base64url');
  const at = deps.now().toISOString();
  const channel = options.channel ?? 'web';
  const language = knownLanguage(knowledge, options.language);
  const browser = options.browser && Object.keys(options.browser).length > 0 ? options.browser : undefined;
  const [snapshot, actions] = initialTransition(machine, {
    at,
    visitor: options.visitor ?? {},
    ...(language ? { language } : {}),
    ...(browser ? { browser } : {}),
  });
  const out = buildTurnOutput(
    {
      sessionId,
      seq: 1,
      firstMessageSeq: 1,
      at,
      inboundMessage: null,
      operatorMessage: null,
      next: snapshot,
      actions,
      deliverToVisitor: await deliversTo(ctx, sessionId, null, channel),
    },
    knowledge,
  );
  addContactEffect(
    out,
    { before: null, after: snapshot.context, event: null, actions, from: null, to: out.state, channel },
    sessionId,
    1,
    at,
  );
  const trace = traceOf({
    sessionId,
    seq: 1,
    at,
    inbound: {
      kind: 'start',
      ...(channel !== 'web' ? { channel } : {}),
      ...(options.visitor && Object.keys(options.visitor).length > 0 ? { visitor: options.visitor } : {}),
      ...(language ? { language } : {}),
      ...(browser ? { browser } : {}),
    },
    detection: null,
    event: null,
    from: null,
    out,
    actions,
  });
  await ctx.store.create({
    id: sessionId,
    tokenHash: hashToken(token),
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    state: out.state,
    owner: out.owner,
    snapshot: persistSnapshot(machine, snapshot),
    messages: out.messages,
    trace,
    response: out.response,
    effects: out.effects,
    timers: deps.timerChanges?.({ trace, snapshot }) ?? [],
    at,
  });
  ctx.logger.info({ sessionId, seq: 1, state: out.state, channel }, 'session started');
  await followCommit(ctx, trace, snapshot, out, startedAt);
  return { sessionId, token, response: out.response };
}
