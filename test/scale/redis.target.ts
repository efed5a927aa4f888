// Which Redis the scale suites run against: the shared single Redis (REDIS_URL), or a Redis Cluster a suite
// started itself (test/support/redis-cluster.ts). The servers under test get the matching environment.
import {
  createRedisClient,
  createRedisConnection,
  type RedisClient,
  redisLayout,
} from '../../src/storage/redis-client.ts';
import { dropRedisPrefix } from '../storage/backends.ts';
import { redisUrl } from '../support/servers.ts';

export interface RedisTarget {
  name: string;
  /** Variables for a server process (REDIS_URL or REDIS_CLUSTER_URLS, and the shard count). */
  env: Record<string, string>;
  shards: number;
  connect(): Promise<RedisClient>;
}

export const singleRedis: RedisTarget = {
  name: 'one Redis',
  env: { REDIS_URL: redisUrl ?? '' },
  shards: 1,
  connect: () => createRedisClient(redisUrl ?? ''),
};

/** 4 shards per master (the README's advice), so sessions spread over all three masters. */
export function clusterTarget(urls: string[], extraEnv: Record<string, string> = {}): RedisTarget {
  const shards = 12;
  return {
    name: 'Redis Cluster',
    env: { REDIS_CLUSTER_URLS: urls.join(','), REDIS_SHARDS: String(shards), ...extraEnv },
    shards,
    connect: () => createRedisConnection({ kind: 'cluster', urls }),
  };
}

export async function dropTargetPrefix(target: RedisTarget, prefix: string): Promise<void> {
  const client = await target.connect();
  try {
    await dropRedisPrefix(client, prefix);
  } finally {
    await client.close();
  }
}

/** Entries still in the effect streams and retry sets of every shard (0 = drained). */
export async function effectBacklog(target: RedisTarget, prefix: string): Promise<number> {
  const client = await target.connect();
  const layout = redisLayout({ prefix, shards: target.shards });
  try {
    let total = 0;
    for (const shard of layout.shardIds)
      total +=
        (await client.xLen(layout.effects(shard))) + (await client.zCard(layout.effectsDelayed(shard)));
    return total;
  } finally {
    await client.close();
  }
}
