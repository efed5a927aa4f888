// Reading and writing trace files (JSON Lines, one entry per committed turn, format in docs/traces.md).
// Reading is strict: every line is checked against the entry schema, the recorded machine event against
// the machine's event schema, and the file as a whole (one session, seq 1, 2, 3 … starting with `start`),
// so replay never runs on a half-understood trace. Problems carry the line number and what is wrong.
import type { z } from 'zod';
import { conversationEventSchema } from '../machines/conversation.events.ts';
import {
  READABLE_TRACE_VERSIONS,
  TRACE_FORMAT_VERSION,
  type TraceEntry,
  traceEntrySchema,
} from './turn.types.ts';

/** A trace entry whose recorded event is a machine event this build understands. */
export const replayableEntrySchema = traceEntrySchema.extend({
  event: conversationEventSchema.nullable(),
});
export type ReplayableEntry = z.infer<typeof replayableEntrySchema>;

export interface Trace {
  /** Where it came from (file path, or a name given by the caller). */
  name: string;
  sessionId: string;
  entries: ReplayableEntry[];
}

export interface TraceProblem {
  name: string;
  /** 1-based line in the file; 0 when the problem is the file as a whole. */
  line: number;
  message: string;
}

export type TraceParse = { ok: true; trace: Trace } | { ok: false; problems: TraceProblem[] };

export function formatProblem(p: TraceProblem): string {
  return p.line > 0 ? `${p.name}:${p.line}: ${p.message}` : `${p.name}: ${p.message}`;
}

function issuesText(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => {
    const path = i.path.map(String).join('.');
    return path ? `${path}: ${i.message}` : i.message;
  });
}

/** Parses one JSONL trace: every problem found, not just the first, each with its line number. */
export function parseTrace(text: string, name: string): TraceParse {
  const problems: TraceProblem[] = [];
  const entries: Array<{ line: number; entry: ReplayableEntry }> = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      problems.push({ name, line, message: `not valid JSON (${(error as Error).message})` });
      return;
    }
    const version = json && typeof json === 'object' && 'v' in json ? json.v : undefined;
    if (typeof version === 'number' && !READABLE_TRACE_VERSIONS.some((readable) => readable === version)) {
      problems.push({
        name,
        line,
        message:
          version > TRACE_FORMAT_VERSION
            ? `trace format version ${version} is newer than this build reads (${TRACE_FORMAT_VERSION}): update switchboard`
            : `trace format version ${version} is not supported (this build reads version ${TRACE_FORMAT_VERSION})`,
      });
      return;
    }
    const parsed = replayableEntrySchema.safeParse(json, {
      error: (issue) =>
        issue.code === 'invalid_type' && issue.input === undefined
          ? `missing (expected ${issue.expected})`
          : undefined,
    });
    if (!parsed.success) {
      for (const message of issuesText(parsed.error.issues)) problems.push({ name, line, message });
      return;
    }
    entries.push({ line, entry: parsed.data });
  });
  if (problems.length > 0) return { ok: false, problems };
  const first = entries[0];
  if (!first) return { ok: false, problems: [{ name, line: 0, message: 'empty trace: no entries' }] };

  const sessionId = first.entry.sessionId;
  entries.forEach(({ line, entry }, index) => {
    const expectedSeq = index + 1;
    if (entry.sessionId !== sessionId)
      problems.push({
        name,
        line,
        message: `sessionId "${entry.sessionId}" differs from the first entry's "${sessionId}" (one session per file)`,
      });
    if (entry.seq !== expectedSeq)
      problems.push({
        name,
        line,
        message: `seq ${entry.seq} where ${expectedSeq} was expected (entries must be seq 1, 2, 3 … with no gap)`,
      });
    const isStart = entry.inbound.kind === 'start';
    if (index === 0 && !isStart)
      problems.push({
        name,
        line,
        message: `the first entry must be the session start (inbound.kind "start")`,
      });
    if (index > 0 && isStart)
      problems.push({ name, line, message: 'only the first entry can be a session start' });
    if (isStart && (entry.event !== null || entry.from !== null))
      problems.push({ name, line, message: 'a start entry has event null and from null' });
    if (!isStart && (entry.event === null || entry.from === null))
      problems.push({ name, line, message: 'a turn entry needs the machine event and the from-state' });
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, trace: { name, sessionId, entries: entries.map((e) => e.entry) } };
}

/** JSON Lines, one entry per line, keys in the documented order (stable files, readable diffs). */
export function serializeTrace(entries: readonly TraceEntry[]): string {
  return entries.map((e) => `${JSON.stringify(orderedEntry(e))}\n`).join('');
}

function orderedEntry(e: TraceEntry): TraceEntry {
  return {
    v: e.v,
    sessionId: e.sessionId,
    seq: e.seq,
    at: e.at,
    inbound: e.inbound,
    detection: e.detection,
    event: e.event,
    from: e.from,
    to: e.to,
    actions: e.actions,
    replies: e.replies,
    buttons: e.buttons,
    ...(e.extras ? { extras: e.extras } : {}),
  };
}
