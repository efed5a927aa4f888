// The LLM layer of the runtime's detector: on only with an API key (start-up says so once either way, in
// the ready line), its circuit breaker shared through Redis when there is one.
import type { Logger } from 'pino';
import type { Config } from '../config/env.ts';
import { createRedisCircuitBreaker } from '../detection/circuit-breaker.redis.ts';
import type { CircuitBreakerOptions } from '../detection/circuit-breaker.ts';
import { type Classifier, disabledClassifier } from '../detection/classifier.port.ts';
import type { RedisClient } from '../storage/redis-client.ts';
import type { RuntimeContext } from './runtime.types.ts';

/** With Redis every process shares one breaker: one process's view of a Gemini outage is everyone's. */
function sharedBreaker(config: Config, client: RedisClient, logger: Logger) {
  return (o: CircuitBreakerOptions) =>
    createRedisCircuitBreaker({
      ...o,
      client,
      key: `${config.redis.keyPrefix}llm:${config.llm.model}:`,
      onRedisError: (error) =>
        logger.warn({ err: error }, 'shared LLM breaker unreachable: this process decides alone'),
    });
}

async function loadClassifier(
  config: Config,
  redisClient: RedisClient | null,
  logger: Logger,
): Promise<Classifier> {
  if (!config.llm.apiKey) return disabledClassifier;
  // Loaded only when on: the Gemini SDK is a large share of start-up time.
  const { createGeminiClassifier } = await import('../detection/gemini.classifier.ts');
  return createGeminiClassifier({
    apiKey: config.llm.apiKey,
    model: config.llm.model,
    baseUrl: config.llm.baseUrl,
    timeoutMs: config.llm.timeoutMs,
    thinkingBudget: config.llm.thinkingBudget,
    historyMessages: config.llm.historyMessages,
    maxMessageChars: config.server.maxMessageChars,
    breaker: { failureThreshold: config.llm.breakerFailures, cooldownMs: config.llm.breakerCooldownMs },
    ...(redisClient ? { createBreaker: sharedBreaker(config, redisClient, logger) } : {}),
    logger: logger.child({ component: 'llm' }),
  });
}

/** The caller's classifier, else Gemini when an API key is set, else the disabled one. */
export async function runtimeClassifier({ config, overrides, redisClient, logger }: RuntimeContext) {
  return overrides.classifier ?? (await loadClassifier(config, redisClient, logger));
}
