// A server process is killed with SIGKILL while visitors are writing to both processes and its effect
// worker has effects in flight. Risks covered: an answered message missing from its session; a message
// committed by the dead process and retried elsewhere being stored twice; effects claimed by the dead
// process never run (or run twice); its claimed trace entries never reaching Postgres.
import { describe } from 'vitest';
import { databaseUrl, redisUrl } from '../support/servers.ts';
import { crashSuite } from './crash.suite.ts';
import { singleRedis } from './redis.target.ts';

describe.runIf(Boolean(databaseUrl && redisUrl))('SIGKILL of one of two processes under load', () =>
  crashSuite(singleRedis),
);
