// The request limiters' counts in Redis (rate-limit-redis), so that every process behind a load balancer
// draws on one budget per address and per chat session. Each limiter gets its own key prefix.
import type { Store } from 'express-rate-limit';
import { type RedisReply, RedisStore } from 'rate-limit-redis';
import { isRedisCluster, type RedisClient } from '../storage/redis-client.ts';

export function redisRateLimitStore(client: RedisClient, prefix: string) {
  return (limiter: string): Store =>
    isRedisCluster(client)
      ? // Routed by the counter's key (SCRIPT LOAD included, so the script is known where it runs).
        new RedisStore({
          prefix: `${prefix}${limiter}:`,
          sendCommandCluster: ({ key, isReadOnly, command }) =>
            client.sendCommand(key, isReadOnly, command) as Promise<RedisReply>,
        })
      : new RedisStore({
          prefix: `${prefix}${limiter}:`,
          sendCommand: (...args: string[]) => client.sendCommand(args),
        });
}
