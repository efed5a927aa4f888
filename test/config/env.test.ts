// Risk covered: a mistyped setting starts the server with a silently wrong value instead of a message
// that names the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../src/config/env.ts';
import { parseKnowledge } from '../../src/content/knowledge.ts';

describe('environment', () => {
  it('has working defaults with no variables at all', () => {
    const config = parseEnv({});
    expect(config.server.port).toBe(3000);
    expect(config.storage.databaseUrl).toBeUndefined();
    expect(config.storage.dataDir).toBe('./data');
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: .*postgres/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
  ])('rejects %j with a message naming the variable', (env, message) => {
    expect(() => parseEnv(env)).toThrow(ConfigError);
    expect(() => parseEnv(env)).toThrow(message);
  });

  // Risk: start-up logs go to shared log stores; a rejected secret must not be printed in them.
  it('names a rejected secret without printing it, and hides the password of a rejected URL', () => {
    const secret = () => parseEnv({ METRICS_TOKEN: 'short-s3cret' });
    expect(secret).toThrow(/METRICS_TOKEN: .*a secret of 12 characters/);
    expect(secret).not.toThrow(/s3cret/);
    const url = () => parseEnv({ DATABASE_URL: 'mysql://app:hunter2@db:3306/x' });
    expect(url).toThrow(/DATABASE_URL: .*mysql:\/\/app:\*\*\*@db:3306/);
    expect(url).not.toThrow(/hunter2/);
  });

  it('treats empty strings as unset', () => {
    expect(parseEnv({ DATABASE_URL: '', REDIS_URL: '' }).storage.redisUrl).toBeUndefined();
  });
});

describe('knowledge file', () => {
  it('names the broken field', () => {
    expect(() =>
      parseKnowledge('categories:\n  login: {label: x, subject: y, phrases: [], steps: []}\n'),
    ).toThrow(/steps|every one of/);
  });
});
