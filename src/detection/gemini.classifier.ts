// The LLM layer: Gemini through `@google/genai`, behind the Classifier port. One call per undecided
// visitor message, with a hard time budget (AbortSignal, default 2.5 s) that covers at most one retry of a
// transient failure (429, 5xx, network). Any failure — timeout, HTTP error, an answer that is not JSON or
// does not match the schema — yields a `failed` layer result: the turn completes with the local layers, the
// failure is in the trace and the intent log, and it counts towards the circuit breaker, which skips the
// call entirely for a while after repeated failures.
import { GoogleGenAI } from '@google/genai';
import type { Logger } from 'pino';
import {
  type BreakerState,
  type CircuitBreaker,
  type CreateCircuitBreaker,
  createCircuitBreaker,
} from './circuit-breaker.ts';
import type { Classifier, ClassifierInput } from './classifier.port.ts';
import type { LayerResult } from './detection.types.ts';
import {
  classifyError,
  failedLayerResult,
  isTransient,
  type LlmFailure,
  type LlmFailureKind,
} from './gemini.failure.ts';
import { toLayerResult } from './gemini.mapping.ts';
import { type BuiltPrompt, buildPrompt, DEFAULT_PROMPT_LIMITS, type PromptLimits } from './gemini.prompt.ts';
import { callGemini, type GeminiRequestSettings, validAnswer } from './gemini.request.ts';

export type { LlmFailureKind } from './gemini.failure.ts';

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

/** What every classification of one classifier shares. */
interface GeminiContext {
  ai: GoogleGenAI;
  request: GeminiRequestSettings;
  limits: PromptLimits;
  retryDelayMs: number;
  logger: Logger;
  now: () => number;
  stats: Omit<LlmStats, 'breaker'>;
  breaker: CircuitBreaker;
  onOutcome: ((outcome: LlmOutcome) => void) | undefined;
}

/** One classification in progress. */
interface Classification {
  input: ClassifierInput;
  prompt: BuiltPrompt;
  signal: AbortSignal;
  started: number;
  attempts: number;
  /** The model's last answer as text (kept in the failed result when it does not parse). */
  answerText: string | undefined;
}

export function createGeminiClassifier(options: GeminiClassifierOptions): GeminiClassifier {
  const { logger, model, timeoutMs } = options;
  const now = options.now ?? (() => performance.now());
  const ctx: GeminiContext = {
    ai: new GoogleGenAI({
      apiKey: options.apiKey,
      // No SDK-level retries: the one retry we allow is ours, inside the same time budget.
      httpOptions: options.baseUrl ? { baseUrl: options.baseUrl } : undefined,
    }),
    request: { model, timeoutMs, thinkingBudget: options.thinkingBudget },
    limits: {
      ...DEFAULT_PROMPT_LIMITS,
      historyMessages: options.historyMessages ?? DEFAULT_PROMPT_LIMITS.historyMessages,
      maxMessageChars: options.maxMessageChars ?? DEFAULT_PROMPT_LIMITS.maxMessageChars,
    },
    retryDelayMs: options.retryDelayMs ?? 150,
    logger,
    now,
    stats: emptyStats(),
    breaker: createLlmBreaker(options, now),
    onOutcome: options.onOutcome,
  };
  return {
    enabled: true,
    model,
    classify: (input) => classify(ctx, input),
    stats: () => ({ ...ctx.stats, failures: { ...ctx.stats.failures }, breaker: ctx.breaker.state() }),
  };
}

function emptyStats(): Omit<LlmStats, 'breaker'> {
  return {
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
}

function createLlmBreaker(options: GeminiClassifierOptions, now: () => number): CircuitBreaker {
  const { logger } = options;
  const cooldownMs = options.breaker?.cooldownMs ?? 30_000;
  return (options.createBreaker ?? createCircuitBreaker)({
    failureThreshold: options.breaker?.failureThreshold ?? 5,
    cooldownMs,
    now,
    onStateChange: (state, failures) =>
      state === 'open'
        ? logger.warn({ failures, cooldownMs }, 'LLM circuit open: skipping calls')
        : logger.info({ state }, `LLM circuit ${state}`),
  });
}

function observe(ctx: GeminiContext, outcome: LlmOutcome): void {
  try {
    ctx.onOutcome?.(outcome);
  } catch (error) {
    ctx.logger.warn({ err: error }, 'LLM outcome observer threw');
  }
}

async function classify(ctx: GeminiContext, input: ClassifierInput): Promise<LayerResult | null> {
  if (!(await ctx.breaker.allow())) {
    ctx.stats.skipped++;
    observe(ctx, { outcome: 'skipped' });
    ctx.logger.debug({ state: input.state }, 'LLM skipped: circuit open');
    return null;
  }
  ctx.stats.calls++;
  const call: Classification = {
    input,
    prompt: buildPrompt(input, ctx.limits),
    started: ctx.now(),
    signal: AbortSignal.timeout(ctx.request.timeoutMs),
    attempts: 0,
    answerText: undefined,
  };
  try {
    return await withOneRetry(ctx, call);
  } catch (error) {
    return await failed(ctx, call, classifyError(error, call.signal, ctx.request.timeoutMs));
  }
}

/** Attempts the call, and once more after a pause for a transient failure when the budget allows. */
async function withOneRetry(ctx: GeminiContext, call: Classification): Promise<LayerResult> {
  const { timeoutMs } = ctx.request;
  for (;;) {
    call.attempts++;
    try {
      return await attempt(ctx, call);
    } catch (error) {
      const failure = classifyError(error, call.signal, timeoutMs);
      const remaining = timeoutMs - (ctx.now() - call.started);
      if (call.attempts === 1 && isTransient(failure) && remaining > ctx.retryDelayMs + 250) {
        ctx.stats.retries++;
        ctx.logger.info({ kind: failure.kind, ...failure.detail }, 'LLM call failed; retrying once');
        await new Promise((resolve) => setTimeout(resolve, ctx.retryDelayMs));
        if (!call.signal.aborted) continue;
      }
      throw failure;
    }
  }
}

/** One call to Gemini, its answer validated and mapped; success closes the breaker's count. */
async function attempt(ctx: GeminiContext, call: Classification): Promise<LayerResult> {
  const response = await callGemini(ctx.ai, ctx.request, call.prompt, call.signal);
  call.answerText = response.text;
  const answer = validAnswer(response);
  const latencyMs = Math.round(ctx.now() - call.started);
  const result = toLayerResult({
    answer,
    acceptedIntents: call.input.acceptedIntents,
    model: ctx.request.model,
    latencyMs,
  });
  await ctx.breaker.success();
  ctx.stats.ok++;
  observe(ctx, { outcome: 'ok', latencyMs, attempts: call.attempts });
  ctx.logger.debug(
    { latencyMs, attempts: call.attempts, usage: response.usage, intent: answer.intent },
    'LLM answered',
  );
  return result;
}

async function failed(ctx: GeminiContext, call: Classification, failure: LlmFailure): Promise<LayerResult> {
  const { stats } = ctx;
  const latencyMs = Math.round(ctx.now() - call.started);
  await ctx.breaker.failure();
  stats.failures[failure.kind]++;
  observe(ctx, { outcome: 'failed', kind: failure.kind, latencyMs, attempts: call.attempts });
  ctx.logger.warn(
    {
      kind: failure.kind,
      ...failure.detail,
      attempts: call.attempts,
      latencyMs,
      failures: stats.failures,
      breaker: ctx.breaker.state(),
    },
    `LLM call failed (${failure.kind}): the turn goes on with the local layers`,
  );
  return failedLayerResult(failure, ctx.request.model, latencyMs, call.answerText);
}
