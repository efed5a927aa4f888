// Reads of the Redis session store: the session record, the transcript (button sets resolved through the
// process cache), a turn's stored answer, and the trace (Postgres plus what the sink has not moved yet).
import { z } from 'zod';
import { tracePayloadSchema } from '../engine/trace-sink.ts';
import {
  type PublicButton,
  type TraceEntry,
  type TurnResponse,
  traceEntrySchema,
} from '../engine/turn.types.ts';
import { runScript } from './redis-client.ts';
import {
  answerField,
  buttonSetSchema,
  expandResponse,
  legacyAnswerField,
  type MessageRow,
  messageFromRow,
  parseMessageRow,
  parseStoredResponse,
  refsOfRows,
  responseRefs,
} from './redis-session.codec.ts';
import type { RedisSessionContext } from './redis-session.context.ts';
import { sessionFromLoad } from './redis-session.record.ts';
import { FIND_TURN, LOAD, TRACE_BACKLOG, turnReplySchema } from './redis-session.scripts.ts';
import type { StoredSession } from './session.store.ts';
import { StorageUnavailableError } from './storage.errors.ts';

/** How far back `trace()` looks into the sink's backlog (it is near empty while the sink keeps up). */
const TRACE_BACKLOG_SCAN = 10_000;

const BUTTON_CACHE_LIMIT = 10_000;

async function resolveButtons(
  ctx: RedisSessionContext,
  sessionId: string,
  refs: string[],
): Promise<(ref: string) => PublicButton[]> {
  const { buttonCache, layout } = ctx;
  const missing = [...new Set(refs)].filter((r) => !buttonCache.has(r));
  if (missing.length > 0) {
    const values = await ctx.client.hmGet(layout.buttons(layout.shardOf(sessionId)), missing);
    missing.forEach((ref, i) => {
      const json = values[i];
      if (typeof json !== 'string') throw new Error(`button set ${ref} is missing from Redis`);
      if (buttonCache.size >= BUTTON_CACHE_LIMIT) buttonCache.clear();
      buttonCache.set(ref, buttonSetSchema.parse(JSON.parse(json)));
    });
  }
  return (ref) => {
    const set = buttonCache.get(ref);
    if (!set) throw new Error(`button set ${ref} is missing from Redis`);
    return set;
  };
}

async function decodeRows(
  ctx: RedisSessionContext,
  sessionId: string,
  raw: string[],
  extraRefs: string[] = [],
) {
  const rows: MessageRow[] = raw.map(parseMessageRow);
  const buttons = await resolveButtons(ctx, sessionId, [...refsOfRows(rows), ...extraRefs]);
  return { messages: rows.map((r) => messageFromRow(r, buttons)), buttons };
}

/** Turns the `{tag, r, msg…}` reply of TURN_LUA into the stored response. */
export async function responseFrom(
  ctx: RedisSessionContext,
  sessionId: string,
  parts: string[],
): Promise<TurnResponse> {
  const { first, count, compact } = parseStoredResponse(parts[1] ?? '');
  let { messages, buttons } = await decodeRows(ctx, sessionId, parts.slice(2), responseRefs(compact));
  if (messages.length !== count || messages.some((m, i) => m.seq !== first + i)) {
    // Index = seq - 1 holds for every transcript the engine writes; look the seqs up if it ever does not.
    const all = await decodeRows(
      ctx,
      sessionId,
      await ctx.client.lRange(ctx.layout.messages(sessionId), 0, -1),
    );
    messages = all.messages.filter((m) => m.seq >= first && m.seq < first + count);
    buttons = all.buttons;
  }
  return expandResponse(sessionId, compact, messages, buttons);
}

/** A stored answer is handed out again only once the mirror has its turn (it is acknowledged again). */
export async function durable(
  ctx: RedisSessionContext,
  sessionId: string,
  clientMessageId: string,
  response: TurnResponse,
) {
  if (ctx.mirror && !(await ctx.mirror.findTurn(sessionId, clientMessageId)))
    throw new StorageUnavailableError(
      `turn ${clientMessageId} of session ${sessionId} is not in Postgres yet (the trace sink copies it)`,
    );
  return response;
}

export async function loadFromRedis(
  ctx: RedisSessionContext,
  sessionId: string,
): Promise<StoredSession | null> {
  const { layout } = ctx;
  return sessionFromLoad(
    sessionId,
    await runScript(ctx.client, LOAD, [layout.session(sessionId), layout.snapshot(sessionId)], []),
  );
}

export async function findTurn(ctx: RedisSessionContext, sessionId: string, clientMessageId: string) {
  const { layout, mirror } = ctx;
  const reply = await runScript(
    ctx.client,
    FIND_TURN,
    [layout.session(sessionId), layout.messages(sessionId)],
    [answerField(clientMessageId), legacyAnswerField(clientMessageId)],
  );
  if (reply === null || reply === undefined) return null;
  const parts = turnReplySchema.parse(reply);
  if (parts[0] === 'ask') return mirror ? mirror.findTurn(sessionId, clientMessageId) : null;
  return durable(ctx, sessionId, clientMessageId, await responseFrom(ctx, sessionId, parts));
}

export async function readMessages(
  ctx: RedisSessionContext,
  sessionId: string,
  opts: { afterSeq?: number; limit?: number },
) {
  const key = ctx.layout.messages(sessionId);
  if (opts.limit !== undefined && opts.limit <= 0) return [];
  const raw = await ctx.client.lRange(key, opts.limit !== undefined ? -opts.limit : 0, -1);
  const { messages } = await decodeRows(ctx, sessionId, raw);
  return opts.afterSeq !== undefined ? messages.filter((m) => m.seq > (opts.afterSeq ?? 0)) : messages;
}

/**
 * Read-your-writes: the turns still in the traces stream (committed, not yet in Postgres) are merged
 * with the ones the sink has written. The stream is read first — an entry leaves it only after Postgres
 * has it — so no turn can fall between the two reads.
 */
export async function readTrace(ctx: RedisSessionContext, sessionId: string) {
  const { layout, options } = ctx;
  const pending = z
    .array(z.string())
    .parse(
      await runScript(
        ctx.client,
        TRACE_BACKLOG,
        [layout.traces(layout.shardOf(sessionId))],
        [sessionId, TRACE_BACKLOG_SCAN],
      ),
    )
    .map((raw) => traceEntrySchema.parse(tracePayloadSchema.parse(JSON.parse(raw)).e));
  const stored = options.readTraces ? await options.readTraces(sessionId) : [];
  const bySeq = new Map<number, TraceEntry>();
  for (const entry of [...stored, ...pending]) if (!bySeq.has(entry.seq)) bySeq.set(entry.seq, entry);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
