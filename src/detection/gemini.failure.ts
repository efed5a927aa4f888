// How a Gemini classification fails: the failure kinds, which of them are worth the one retry, and the
// `failed` layer result the turn goes on with.
import { ApiError } from '@google/genai';
import type { LayerResult } from './detection.types.ts';

export type LlmFailureKind =
  | 'timeout'
  | 'rate_limited'
  | 'server_error'
  | 'client_error'
  | 'network'
  | 'invalid_answer';

export class LlmFailure extends Error {
  constructor(
    readonly kind: LlmFailureKind,
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const TRANSIENT: readonly LlmFailureKind[] = ['rate_limited', 'server_error', 'network'];

/** Rate limits, 5xx and network errors may pass on their own; everything else would fail again. */
export function isTransient(failure: LlmFailure): boolean {
  return TRANSIENT.includes(failure.kind);
}

export function timeoutFailure(timeoutMs: number): LlmFailure {
  return new LlmFailure('timeout', `no answer within ${timeoutMs} ms`);
}

export function classifyError(error: unknown, signal: AbortSignal, timeoutMs: number): LlmFailure {
  if (error instanceof LlmFailure) return error;
  if (signal.aborted) return timeoutFailure(timeoutMs);
  if (error instanceof ApiError) {
    const detail = { status: error.status };
    const message = error.message.slice(0, 300);
    if (error.status === 429) return new LlmFailure('rate_limited', message, detail);
    if (error.status >= 500) return new LlmFailure('server_error', message, detail);
    return new LlmFailure('client_error', message, detail);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LlmFailure('network', message.slice(0, 300));
}

/** The undecided LLM result of a failed call; keeps the start of the model's answer for the trace. */
export function failedLayerResult(
  failure: LlmFailure,
  model: string,
  latencyMs: number,
  answerText: string | undefined,
): LayerResult {
  return {
    layer: 'llm',
    decided: false,
    intent: null,
    confidence: 0,
    reason: `failed (${failure.kind}): ${failure.message}`,
    failed: true,
    model,
    latencyMs,
    raw: {
      error: failure.kind,
      message: failure.message,
      ...failure.detail,
      ...(answerText !== undefined ? { text: answerText.slice(0, 2000) } : {}),
    },
  };
}
