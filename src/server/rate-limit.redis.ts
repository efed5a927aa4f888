// The request limiters' counts in Redis (rate-limit-redis), so that every process behind a load balancer
// draws on one budget per address and per chat session. Each limiter gets its own key prefix.
import type { Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import type { RedisClient } from '../storage/redis-client.ts';

export function redisRateLimitStore(client: RedisClient, prefix: string) {
  return (limiter: string): Store =>
    new RedisStore({
      prefix: `${prefix}${limiter}:`,
      sendCommand: (...args: string[]) => client.sendCommand(args),
    });
}
