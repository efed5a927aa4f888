// `switchboard create-admin` as a user runs it. Risks covered: no way to create the first admin; a password
// that ends up unusable (or stored in clear); a second run silently replacing an existing account; bad input
// accepted.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminCommand } from '../../src/cli/create-admin.command.ts';
import { createOperatorDirectory } from '../../src/server/auth.operators.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { createOperatorsRepository } from '../../src/storage/operators.repository.ts';
import { databaseUrl, freshPostgresDatabase } from '../support/servers.ts';
import { freshDataDir } from '../support/templates.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('switchboard create-admin', () => {
  const env: Record<string, string> = { LOG_LEVEL: 'silent' };
  const cleanups: Array<() => Promise<void> | void> = [];
  beforeAll(async () => {
    if (databaseUrl) {
      const db = await freshPostgresDatabase();
      env.DATABASE_URL = db.url;
      cleanups.push(db.drop);
    } else {
      const dir = await freshDataDir('switchboard-cli-');
      env.DATA_DIR = dir;
      env.DATABASE_URL = '';
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    }
  });
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  const run = (args: string[], input?: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'create-admin', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      input,
      encoding: 'utf8',
      timeout: 60_000,
    });

  const attempt = async (args: string[]) => {
    let stderr = '';
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    }) as typeof process.stderr.write;
    try {
      await createAdminCommand(args);
      return { status: process.exitCode, stderr };
    } finally {
      process.stderr.write = write;
      process.exitCode = undefined;
    }
  };

  it('creates an admin whose password works, reading it from stdin; refuses a second one with that e-mail', async () => {
    const ok = run(
      ['--email', 'Root@Example.com', '--name', 'Root', '--password-stdin'],
      'a-very-long-password\n',
    );
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/admin created: root@example.com/);

    const database = await openDatabase({
      databaseUrl: env.DATABASE_URL || undefined,
      dataDir: env.DATA_DIR ?? '',
    });
    try {
      const directory = createOperatorDirectory(createOperatorsRepository(database.db), {
        tokenTtlSeconds: 60,
        now: () => new Date(),
      });
      const admin = await directory.checkPassword('root@example.com', 'a-very-long-password');
      expect(admin).toMatchObject({ role: 'admin', displayName: 'Root' });
      expect(await directory.checkPassword('root@example.com', 'a-very-long-password\n')).toBeNull();
    } finally {
      await database.close();
    }

    // The same command in-process (a second spawn costs seconds), pointed at the same database.
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const again = await attempt(['--email', 'root@example.com', '--password', 'another-long-password']);
      expect(again).toMatchObject({ status: 1, stderr: expect.stringMatching(/already exists/) });
    } finally {
      for (const key of Object.keys(env)) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  }, 90_000);

  // Bad input is refused before anything is opened, so these run in-process (a spawn costs seconds).
  it('refuses bad input with a usage message (exit 2)', async () => {
    const short = await attempt(['--email', 'x@example.com', '--password', 'short']);
    expect(short).toMatchObject({ status: 2, stderr: expect.stringMatching(/at least 10 characters/) });
    const noEmail = await attempt(['--password', 'long-enough-password']);
    expect(noEmail).toMatchObject({ status: 2, stderr: expect.stringMatching(/--email is required/) });
    const typo = await attempt(['--email', 'x@example.com', '--pasword', 'typo-in-flag']);
    expect(typo.status).toBe(2);
    const both = await attempt([
      '--email',
      'x@example.com',
      '--password',
      'long-enough-pw',
      '--password-stdin',
    ]);
    expect(both).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/either --password or --password-stdin/),
    });
  });
});
