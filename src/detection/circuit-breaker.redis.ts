// The LLM circuit breaker shared by every process through Redis: when Gemini fails, the first processes
// to see it open the circuit for all, and after the cooldown exactly one call in the whole deployment
// probes. The states are keys under one hash tag (one Redis Cluster slot), each changed by one Lua script:
//   open      exists while calls are skipped (expires after the cooldown, server clock)
//   tripped   the circuit opened and no call has succeeded since: once `open` expired, half-open
//   probe     the one call let through while half-open (expires, so a crashed prober frees it)
//   failures  failures in a row since the last success, over all processes
// If Redis does not answer, this process falls back to its own breaker rather than blocking the LLM.
import { z } from 'zod';
import { type RedisClient, redisScript, runScript } from '../storage/redis-client.ts';
import {
  type BreakerState,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  createCircuitBreaker,
} from './circuit-breaker.ts';

// KEYS: open, tripped, probe. ARGV: probe ttl ms. Returns 'closed' | 'open' | 'probe' | 'half_open'.
const ALLOW = redisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 'open' end
if redis.call('EXISTS', KEYS[2]) == 0 then return 'closed' end
if redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[1]) then return 'probe' end
return 'half_open'
`);

// KEYS: open, tripped, probe, failures. ARGV: threshold, cooldown ms, failures window ms.
const FAILURE = redisScript(`
if redis.call('EXISTS', KEYS[2]) == 1 and redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
  redis.call('DEL', KEYS[3])
  return 'open'
end
local n = redis.call('INCR', KEYS[4])
redis.call('PEXPIRE', KEYS[4], ARGV[3])
if n >= tonumber(ARGV[1]) and redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
  redis.call('SET', KEYS[2], '1')
  redis.call('DEL', KEYS[4])
  return 'open'
end
if redis.call('EXISTS', KEYS[1]) == 1 then return 'open' end
return 'closed'
`);

// KEYS: open, tripped, probe, failures.
const SUCCESS = redisScript(`
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return 'closed'
`);

const replySchema = z.enum(['closed', 'open', 'half_open', 'probe']);

export interface RedisCircuitBreakerOptions extends CircuitBreakerOptions {
  client: RedisClient;
  /** Key prefix of this breaker (deployment prefix + what it protects, e.g. the model). */
  key: string;
  onRedisError?: (error: unknown) => void;
}

export function createRedisCircuitBreaker(options: RedisCircuitBreakerOptions): CircuitBreaker {
  const { client } = options;
  const tag = `${options.key}{breaker}`;
  const keys = [`${tag}:open`, `${tag}:tripped`, `${tag}:probe`, `${tag}:failures`];
  const local = createCircuitBreaker(options);
  let state: BreakerState = 'closed';
  const set = (next: BreakerState) => {
    if (next === state) return;
    state = next;
    options.onStateChange?.(next, 0);
  };
  // A probe that never reports back (its process died) frees the slot after the call's longest time.
  const probeTtlMs = Math.max(1000, options.cooldownMs);
  const failuresWindowMs = Math.max(60_000, options.cooldownMs * 10);
  async function shared<T>(run: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      options.onRedisError?.(error);
      return fallback();
    }
  }
  return {
    allow: () =>
      shared(
        async () => {
          const reply = replySchema.parse(await runScript(client, ALLOW, keys.slice(0, 3), [probeTtlMs]));
          set(reply === 'probe' ? 'half_open' : reply);
          return reply === 'closed' || reply === 'probe';
        },
        () => local.allow(),
      ),
    success: () =>
      shared(
        async () => {
          await runScript(client, SUCCESS, keys, []);
          set('closed');
        },
        () => local.success(),
      ),
    failure: () =>
      shared(
        async () => {
          const reply = replySchema
            .exclude(['probe'])
            .parse(
              await runScript(client, FAILURE, keys, [
                options.failureThreshold,
                options.cooldownMs,
                failuresWindowMs,
              ]),
            );
          set(reply);
        },
        () => local.failure(),
      ),
    state: () => state,
  };
}
