// Compact encodings of what a Redis session keeps, because memory per idle session is what a Redis
// deployment pays for: messages as arrays without key names, timestamps as epoch milliseconds, and
// quick-reply button sets interned once per shard (`#ref` → JSON; a handful exist in the whole system,
// yet every bot message and stored response carries one). A stored response keeps only what the turn's
// messages do not already say, and falls back to the whole response whenever that would not be exact.
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import {
  type ChatMessage,
  MESSAGE_ROLES,
  type PublicButton,
  publicButtonSchema,
  type TurnResponse,
  turnResponseSchema,
} from '../engine/turn.types.ts';

export const buttonSetSchema = z.array(publicButtonSchema);

/** Refs of the button sets seen lately (a handful exist): hashing each bot message's set showed in profiles. */
const refs = new Map<string, string>();

/** Content address of a button set: the same set always gets the same ref, in every process. */
export function buttonRef(buttons: PublicButton[]): { ref: string; json: string } {
  const json = JSON.stringify(buttons);
  let ref = refs.get(json);
  if (ref === undefined) {
    ref = `#${createHash('sha1').update(json).digest('base64url').slice(0, 12)}`;
    if (refs.size >= 1000) refs.clear();
    refs.set(json, ref);
  }
  return { ref, json };
}

/** Collects the button sets a write refers to (they are stored with it). */
export type Interned = Map<string, string>;

function intern(buttons: PublicButton[], interned: Interned): string {
  const { ref, json } = buttonRef(buttons);
  interned.set(ref, json);
  return ref;
}

/** An ISO time as epoch milliseconds when that round-trips exactly (it always does for the engine's). */
export function encodeAt(at: string): number | string {
  const ms = Date.parse(at);
  return Number.isFinite(ms) && new Date(ms).toISOString() === at ? ms : at;
}

/** Back from encodeAt, as a Redis field hands it over: digits are epoch ms, anything else is as written. */
export function decodeAt(stored: string): string {
  return /^\d+$/.test(stored) ? new Date(Number(stored)).toISOString() : stored;
}

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The hash field of a turn's stored answer: `r` + the 16 bytes of a lowercase UUID in base64url (23
 * characters instead of 38), `r:<clientMessageId>` for any other id. The two never collide (base64url has
 * no ':'), and sessions written before the short form keep their answers under `legacyAnswerField`.
 */
export function answerField(clientMessageId: string): string {
  return CANONICAL_UUID.test(clientMessageId)
    ? `r${Buffer.from(clientMessageId.replaceAll('-', ''), 'hex').toString('base64url')}`
    : legacyAnswerField(clientMessageId);
}

export function legacyAnswerField(clientMessageId: string): string {
  return `r:${clientMessageId}`;
}

const rowSchema = z
  .tuple([z.number().int(), z.enum(MESSAGE_ROLES), z.string(), z.union([z.number(), z.string()])])
  .rest(z.union([z.string(), z.literal(0)]));
export type MessageRow = z.infer<typeof rowSchema>;

/** `[seq, role, text, at, buttonsRef | 0, agentId]`, trailing slots omitted. */
export function encodeMessage(m: ChatMessage, interned: Interned): string {
  const row: unknown[] = [m.seq, m.role, m.text, encodeAt(m.at)];
  if (m.buttons !== undefined || m.agentId !== undefined)
    row.push(m.buttons ? intern(m.buttons, interned) : 0);
  if (m.agentId !== undefined) row.push(m.agentId);
  return JSON.stringify(row);
}

export function parseMessageRow(raw: string): MessageRow {
  return rowSchema.parse(JSON.parse(raw));
}

export function refsOfRows(rows: MessageRow[]): string[] {
  return rows.flatMap((r) => (typeof r[4] === 'string' ? [r[4]] : []));
}

export function messageFromRow(row: MessageRow, buttons: (ref: string) => PublicButton[]): ChatMessage {
  const [seq, role, text, at, ref, agentId] = row;
  const message: ChatMessage = {
    seq,
    role,
    text,
    at: typeof at === 'number' ? new Date(at).toISOString() : at,
  };
  if (typeof ref === 'string') message.buttons = buttons(ref);
  if (typeof agentId === 'string') message.agentId = agentId;
  return message;
}

export const compactResponseSchema = z.union([
  z.object({
    q: z.number().int(),
    s: z.string(),
    /** Absent: 'bot' when the turn has a bot message, else 'human' (the bot is silent while a human owns it). */
    o: z.enum(['bot', 'human']).optional(),
    /** Absent: the buttons of the turn's last bot message (what the engine offers), or none. */
    b: z.union([z.string(), z.array(publicButtonSchema)]).optional(),
  }),
  z.object({ f: turnResponseSchema }),
]);
export type CompactResponse = z.infer<typeof compactResponseSchema>;

export function responseRefs(c: CompactResponse): string[] {
  return 'q' in c && typeof c.b === 'string' ? [c.b] : [];
}

export function expandResponse(
  sessionId: string,
  c: CompactResponse,
  messages: ChatMessage[],
  buttons: (ref: string) => PublicButton[],
): TurnResponse {
  if ('f' in c) return c.f;
  const lastBot = messages.findLast((m) => m.role === 'bot');
  return {
    sessionId,
    seq: c.q,
    state: c.s,
    owner: c.o ?? (lastBot ? 'bot' : 'human'),
    replies: messages.filter((m) => m.role !== 'visitor'),
    messages,
    buttons: c.b === undefined ? (lastBot?.buttons ?? []) : typeof c.b === 'string' ? buttons(c.b) : c.b,
  };
}

/** `first:count:json` — the message range lets one script return the response with its messages. */
export function encodeResponse(
  sessionId: string,
  response: TurnResponse,
  messages: ChatMessage[],
  interned: Interned,
): string {
  const first = messages[0]?.seq ?? 0;
  const contiguous = first > 0 && messages.every((m, i) => m.seq === first + i);
  if (contiguous) {
    const local: Interned = new Map();
    const lookup = (ref: string) => buttonSetSchema.parse(JSON.parse(local.get(ref) ?? 'null'));
    // The owner is written only when the turn's messages would say otherwise (expandResponse's rule).
    const saysBot = messages.some((m) => m.role === 'bot');
    const base = {
      q: response.seq,
      s: response.state,
      ...(response.owner === (saysBot ? 'bot' : 'human') ? {} : { o: response.owner }),
    };
    const candidates: CompactResponse[] = [
      base,
      { ...base, b: response.buttons.length === 0 ? [] : intern(response.buttons, local) },
    ];
    for (const c of candidates) {
      if (isDeepStrictEqual(expandResponse(sessionId, c, messages, lookup), response)) {
        for (const [ref, json] of local) if ('b' in c && c.b === ref) interned.set(ref, json);
        return `${first}:${messages.length}:${compactText(c)}`;
      }
    }
  }
  return `0:0:${JSON.stringify({ f: response })}`;
}

/**
 * The common answer (no buttons of its own) as `q:state` or `q:owner:state`, short enough to keep the
 * session hash a listpack (Redis' hash-max-listpack-value is 64 bytes; each byte of the ~15 answers of a
 * session counts); any other as JSON, which starts with '{'. States never hold ':' here, so the count of
 * colons tells the two text forms apart.
 */
function compactText(c: CompactResponse): string {
  if ('f' in c || c.b !== undefined || c.s.includes(':')) return JSON.stringify(c);
  return c.o === undefined ? `${c.q}:${c.s}` : `${c.q}:${c.o}:${c.s}`;
}

function parseCompact(text: string): CompactResponse {
  if (text.startsWith('{')) return compactResponseSchema.parse(JSON.parse(text));
  const owned = /^(\d+):(bot|human):([^:]+)$/.exec(text);
  if (owned) return { q: Number(owned[1]), o: owned[2] as 'bot' | 'human', s: owned[3] ?? '' };
  const derived = /^(\d+):([^:]+)$/.exec(text);
  if (!derived) throw new Error('stored response in an unknown form');
  return { q: Number(derived[1]), s: derived[2] ?? '' };
}

export function parseStoredResponse(stored: string): {
  first: number;
  count: number;
  compact: CompactResponse;
} {
  const match = /^(\d+):(\d+):/.exec(stored);
  if (!match) throw new Error('stored response without its message range');
  return {
    first: Number(match[1]),
    count: Number(match[2]),
    compact: parseCompact(stored.slice(match[0].length)),
  };
}
