// The LLM layer: Gemini through `@google/genai`, behind the Classifier port. One call per undecided
// visitor message, with a hard time budget (AbortSignal, default 2.5 s) that covers at most one retry of a
// transient failure (429, 5xx, network). Any failure — timeout, HTTP error, an answer that is not JSON or
// does not match the schema — yields a `failed` layer result: the turn completes with the local layers, the
// failure is in the trace and the intent log, and it counts towards the circuit breaker, which skips the
// call entirely for a while after repeated failures.
import { ApiError, GoogleGenAI } from '@google/genai';
import type { Logger } from 'pino';
import {
  type BreakerState,
  type CircuitBreaker,
  type CreateCircuitBreaker,
  createCircuitBreaker,
} from './circuit-breaker.ts';
import type { Classifier, ClassifierInput } from './classifier.port.ts';
import type { LayerResult } from './detection.types.ts';
import { toLayerResult } from './gemini.mapping.ts';
import { buildPrompt, DEFAULT_PROMPT_LIMITS } from './gemini.prompt.ts';
import { LLM_ANSWER_JSON_SCHEMA, parseLlmAnswer } from './gemini.schema.ts';

export type LlmFailureKind =
  | 'timeout'
  | 'rate_limited'
  | 'server_error'
  | 'client_error'
  | 'network'
  | 'invalid_answer';

export interface LlmStats {
  calls: number;
  ok: number;
  retries: number;
  skipped: number;
  failures: Record<LlmFailureKind, number>;
  breaker: BreakerState;
}

export type LlmOutcome =
  | { outcome: 'ok'; latencyMs: number; attempts: number }
  | { outcome: 'failed'; kind: LlmFailureKind; latencyMs: number; attempts: number }
  | { outcome: 'skipped' };

export interface GeminiClassifierOptions {
  apiKey: string;
  model: string;
  /** Another endpoint speaking the Gemini REST API (a proxy, or the test fake). */
  baseUrl?: string;
  /** Whole budget of one classification, retry included. */
  timeoutMs: number;
  /** 0 turns thinking off (fastest); -1 leaves it to the model (for models that cannot turn it off). */
  thinkingBudget?: number;
  historyMessages?: number;
  maxMessageChars?: number;
  breaker?: { failureThreshold: number; cooldownMs: number };
  /** Builds the breaker (default: this process's own; the runtime passes a Redis-shared one). */
  createBreaker?: CreateCircuitBreaker;
  /** Pause before the one retry of a transient failure. */
  retryDelayMs?: number;
  logger: Logger;
  /** Millisecond clock for latency and the breaker's cooldown (injected so tests need not sleep). */
  now?: () => number;
  /** Observes every call (metrics). Must not throw. */
  onOutcome?: (outcome: LlmOutcome) => void;
}

export interface GeminiClassifier extends Classifier {
  stats(): LlmStats;
}

class LlmFailure extends Error {
  constructor(
    readonly kind: LlmFailureKind,
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const TRANSIENT: readonly LlmFailureKind[] = ['rate_limited', 'server_error', 'network'];

function classifyError(error: unknown, signal: AbortSignal, timeoutMs: number): LlmFailure {
  if (error instanceof LlmFailure) return error;
  if (signal.aborted) return new LlmFailure('timeout', `no answer within ${timeoutMs} ms`);
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

export function createGeminiClassifier(options: GeminiClassifierOptions): GeminiClassifier {
  const { logger, model, timeoutMs } = options;
  const now = options.now ?? (() => performance.now());
  const retryDelayMs = options.retryDelayMs ?? 150;
  const ai = new GoogleGenAI({
    apiKey: options.apiKey,
    // No SDK-level retries: the one retry we allow is ours, inside the same time budget.
    httpOptions: options.baseUrl ? { baseUrl: options.baseUrl } : undefined,
  });
  const limits = {
    ...DEFAULT_PROMPT_LIMITS,
    historyMessages: options.historyMessages ?? DEFAULT_PROMPT_LIMITS.historyMessages,
    maxMessageChars: options.maxMessageChars ?? DEFAULT_PROMPT_LIMITS.maxMessageChars,
  };
  const stats: Omit<LlmStats, 'breaker'> = {
    calls: 0,
    ok: 0,
    retries: 0,
    skipped: 0,
    failures: {
      timeout: 0,
      rate_limited: 0,
      server_error: 0,
      client_error: 0,
      network: 0,
      invalid_answer: 0,
    },
  };
  const breaker: CircuitBreaker = (options.createBreaker ?? createCircuitBreaker)({
    failureThreshold: options.breaker?.failureThreshold ?? 5,
    cooldownMs: options.breaker?.cooldownMs ?? 30_000,
    now,
    onStateChange: (state, failures) =>
      state === 'open'
        ? logger.warn(
            { failures, cooldownMs: options.breaker?.cooldownMs ?? 30_000 },
            'LLM circuit open: skipping calls',
          )
        : logger.info({ state }, `LLM circuit ${state}`),
  });

  function observe(outcome: LlmOutcome) {
    try {
      options.onOutcome?.(outcome);
    } catch (error) {
      logger.warn({ err: error }, 'LLM outcome observer threw');
    }
  }

  async function callOnce(
    prompt: ReturnType<typeof buildPrompt>,
    signal: AbortSignal,
  ): Promise<{ text: string | undefined; usage: unknown; finishReason: unknown }> {
    const response = await ai.models.generateContent({
      model,
      contents: [{ role: 'user', parts: [{ text: prompt.userText }] }],
      config: {
        systemInstruction: prompt.systemInstruction,
        responseMimeType: 'application/json',
        responseJsonSchema: LLM_ANSWER_JSON_SCHEMA,
        temperature: 0,
        candidateCount: 1,
        abortSignal: signal,
        ...(options.thinkingBudget !== undefined && options.thinkingBudget >= 0
          ? { thinkingConfig: { thinkingBudget: options.thinkingBudget } }
          : {}),
      },
    });
    if (signal.aborted) throw new LlmFailure('timeout', `no answer within ${timeoutMs} ms`);
    return {
      text: response.text,
      usage: response.usageMetadata,
      finishReason: response.candidates?.[0]?.finishReason,
    };
  }

  async function classify(input: ClassifierInput): Promise<LayerResult | null> {
    if (!(await breaker.allow())) {
      stats.skipped++;
      observe({ outcome: 'skipped' });
      logger.debug({ state: input.state }, 'LLM skipped: circuit open');
      return null;
    }
    stats.calls++;
    const prompt = buildPrompt(input, limits);
    const started = now();
    const signal = AbortSignal.timeout(timeoutMs);
    let attempts = 0;
    let answerText: string | undefined;
    try {
      for (;;) {
        attempts++;
        try {
          const { text, usage, finishReason } = await callOnce(prompt, signal);
          answerText = text;
          const parsed = parseLlmAnswer(text);
          if (!parsed.ok)
            throw new LlmFailure('invalid_answer', parsed.problem, { finishReason: finishReason ?? null });
          const latencyMs = Math.round(now() - started);
          const result = toLayerResult({
            answer: parsed.answer,
            acceptedIntents: input.acceptedIntents,
            model,
            latencyMs,
          });
          await breaker.success();
          stats.ok++;
          observe({ outcome: 'ok', latencyMs, attempts });
          logger.debug({ latencyMs, attempts, usage, intent: parsed.answer.intent }, 'LLM answered');
          return result;
        } catch (error) {
          const failure = classifyError(error, signal, timeoutMs);
          const remaining = timeoutMs - (now() - started);
          if (attempts === 1 && TRANSIENT.includes(failure.kind) && remaining > retryDelayMs + 250) {
            stats.retries++;
            logger.info({ kind: failure.kind, ...failure.detail }, 'LLM call failed; retrying once');
            await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
            if (!signal.aborted) continue;
          }
          throw failure;
        }
      }
    } catch (error) {
      const failure = classifyError(error, signal, timeoutMs);
      const latencyMs = Math.round(now() - started);
      await breaker.failure();
      stats.failures[failure.kind]++;
      observe({ outcome: 'failed', kind: failure.kind, latencyMs, attempts });
      logger.warn(
        {
          kind: failure.kind,
          ...failure.detail,
          attempts,
          latencyMs,
          failures: stats.failures,
          breaker: breaker.state(),
        },
        `LLM call failed (${failure.kind}): the turn goes on with the local layers`,
      );
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
  }

  return {
    enabled: true,
    model,
    classify,
    stats: () => ({ ...stats, failures: { ...stats.failures }, breaker: breaker.state() }),
  };
}
