// Two real server processes sharing one Redis and one Postgres: 200 visitors × 10 messages, alternating
// between the processes, every message sent a second time with the same clientMessageId to the other
// process at the same moment. Risks covered: a lost update or a message processed twice when two
// processes handle one session; a transcript out of the order the visitor wrote in; an effect executed
// twice (or not at all); the two processes answering one message differently; turns missing from the
// Postgres records (traces) on a Redis deployment.
import { describe } from 'vitest';
import { databaseUrl, redisUrl } from '../support/servers.ts';
import { singleRedis } from './redis.target.ts';
import { twoProcessesSuite } from './two-processes.suite.ts';

describe.runIf(Boolean(databaseUrl && redisUrl))('two server processes, one Redis, one Postgres', () =>
  twoProcessesSuite(singleRedis),
);
