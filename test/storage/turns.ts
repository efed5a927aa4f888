// Builders for session-store inputs shaped like the engine's output (the response repeats the turn's
// messages; replies are the non-visitor ones; trace entries pass the trace schema).
import { randomUUID } from 'node:crypto';
import type { ChatMessage, TraceEntry, TurnResponse } from '../../src/engine/turn.types.ts';
import type { EffectRecord, NewSession, TurnCommit } from '../../src/storage/session.store.ts';

const BUTTONS = [
  { id: 'solution_worked', label: 'It worked', emoji: '✅' },
  { id: 'talk_to_human', label: 'Talk to a human' },
];

function trace(sessionId: string, seq: number, at: string, from: string | null, to: string, text?: string) {
  const entry: TraceEntry = {
    v: 1,
    sessionId,
    seq,
    at,
    inbound: text === undefined ? { kind: 'start' } : { kind: 'visitor', text, clientMessageId: `c${seq}` },
    detection: null,
    event: text === undefined ? null : { type: 'VISITOR.TEXT', at },
    from,
    to,
    actions: [],
    replies: [],
    buttons: [],
  };
  return entry;
}

function response(sessionId: string, seq: number, state: string, messages: ChatMessage[]): TurnResponse {
  const buttons = messages.findLast((m) => m.role === 'bot')?.buttons ?? [];
  return {
    sessionId,
    seq,
    state,
    owner: state.startsWith('escalated') ? 'human' : 'bot',
    replies: messages.filter((m) => m.role !== 'visitor'),
    messages,
    buttons,
  };
}

export function newSession(options: { id?: string; at?: Date; effects?: string[] } = {}): NewSession {
  const id = options.id ?? randomUUID();
  const at = (options.at ?? new Date()).toISOString();
  const messages: ChatMessage[] = [{ seq: 1, role: 'bot', text: 'Hi! I am the support assistant.', at }];
  return {
    id,
    tokenHash: `hash-${id}`,
    schemaVersion: 1,
    state: 'greeting',
    owner: 'bot',
    snapshot: { status: 'active', value: 'greeting', context: { messageCount: 0 } },
    messages,
    trace: trace(id, 1, at, null, 'greeting'),
    response: response(id, 1, 'greeting', messages),
    effects: effects(id, 1, options.effects ?? []),
    at,
  };
}

function effects(sessionId: string, seq: number, types: string[]): EffectRecord[] {
  return types.map((type, index) => ({
    idempotencyKey: `${sessionId}:${seq}:${index}`,
    sessionId,
    seq,
    type,
    params: { channel: 'instant_chat', index, state: 'escalated.queued', at: new Date().toISOString() },
  }));
}

/** The next turn after `version` with `messageCount` messages so far: a visitor text and a bot reply. */
export function turnCommit(
  sessionId: string,
  version: number,
  messageCount: number,
  options: {
    clientMessageId?: string | null;
    text?: string;
    state?: string;
    effects?: string[];
    at?: Date;
    withButtons?: boolean;
    operator?: boolean;
  } = {},
): TurnCommit {
  const seq = version + 1;
  const at = (options.at ?? new Date()).toISOString();
  const state = options.state ?? 'troubleshooting';
  const text = options.text ?? `message at version ${version}`;
  const messages: ChatMessage[] = [{ seq: messageCount + 1, role: 'visitor', text, at }];
  if (options.operator)
    messages.push({
      seq: messageCount + 2,
      role: 'operator',
      text: 'Hello, Ana here.',
      at,
      agentId: 'agent-1',
    });
  else
    messages.push({
      seq: messageCount + 2,
      role: 'bot',
      text: `Step ${seq}: restart the router. Did that help?`,
      at,
      ...(options.withButtons ? { buttons: BUTTONS } : {}),
    });
  return {
    sessionId,
    expectedVersion: version,
    schemaVersion: 1,
    snapshot: { status: 'active', value: state, context: { messageCount: seq } },
    state,
    owner: state.startsWith('escalated') ? 'human' : 'bot',
    clientMessageId: options.clientMessageId === undefined ? `cm-${randomUUID()}` : options.clientMessageId,
    messages,
    trace: trace(sessionId, seq, at, 'greeting', state, text),
    response: response(sessionId, seq, state, messages),
    effects: effects(sessionId, seq, options.effects ?? []),
    at,
  };
}
