// One owner per embedded-database directory, and CLI commands while the server runs. Risks covered: two
// processes opening one PGlite directory (the second one's writes lost, or the files corrupted); an admin
// created by `create-admin` while the server runs that cannot log in (the server never saw the write);
// `traces export` failing with a raw stack; a stale pid file after a crash locking the directory forever.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE, lockDataDir } from '../../src/storage/data-dir.lock.ts';
import { runSwitchboard, type ServerProcess, startServerProcess } from '../support/process.ts';

const PASSWORD = 'a-very-long-password';

describe('the data directory lock', () => {
  it('refuses a second opener, names the holder, and takes over a pid file whose process is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-lock-'));
    try {
      const release = lockDataDir(dir, 'serve');
      expect(() => lockDataDir(dir, 'migrate')).toThrow(DataDirLockedError);
      expect(() => lockDataDir(dir, 'migrate')).toThrow(`the server (pid ${process.pid}) holds ${dir}`);
      release();
      // A crashed holder: a pid that no longer runs (a finished child's).
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
        encoding: 'utf8',
      });
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: Number(dead.stdout), command: 'serve' }));
      const again = lockDataDir(dir, 'create-admin');
      expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toEqual({
        pid: process.pid,
        command: 'create-admin',
      });
      again();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CLI commands while the server holds the embedded database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-owner-'));
  const env = { DATA_DIR: dir };
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess(env, 90_000);
  }, 120_000);

  afterAll(async () => {
    await server?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  const login = (email: string) =>
    fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });

  it('create-admin goes through the server: the admin logs in at once; a second run says it exists', async () => {
    const created = await runSwitchboard(
      ['create-admin', '--email', 'boss@example.com', '--password-stdin'],
      env,
      `${PASSWORD}\n`,
    );
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain(`admin created by the running server (pid ${server.child.pid})`);
    expect(created.code).toBe(0);
    const res = await login('boss@example.com');
    expect(res.status).toBe(200);
    expect((await res.json()).operator).toMatchObject({ email: 'boss@example.com', role: 'admin' });

    const twice = await runSwitchboard(
      ['create-admin', '--email', 'boss@example.com', '--password-stdin'],
      env,
      `${PASSWORD}\n`,
    );
    expect([twice.code, twice.stderr.trim()]).toEqual([
      1,
      'an operator with the e-mail boss@example.com already exists',
    ]);
  }, 60_000);

  it('traces export reads the session through the server', async () => {
    const started = await fetch(`${server.url}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const { sessionId } = (await started.json()) as { sessionId: string };
    const exported = await runSwitchboard(['traces', 'export', sessionId], env);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const lines = exported.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.sessionId, l.seq, l.to])).toEqual([[sessionId, 1, 'greeting']]);

    const missing = await runSwitchboard(['traces', 'export', 'no-such-session'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^no trace for session no-such-session/);
  }, 60_000);

  it('refuses a second opener (migrate, a second server) with one line naming the server, and keeps serving', async () => {
    const refusal = `switchboard: the server (pid ${server.child.pid}) holds ${dir}: stop it first`;
    const migrate = await runSwitchboard(['migrate'], env);
    expect(migrate.code).toBe(1);
    expect(migrate.stderr.trim().split('\n')).toHaveLength(1);
    expect(migrate.stderr).toContain(refusal);

    const second = await runSwitchboard(['serve'], { ...env, PORT: '0' });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(refusal);
    expect(second.stderr).not.toMatch(/\n\s+at /);
    expect(second.stdout).not.toContain('ready');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  }, 60_000);

  it('after the server stops, commands open the directory themselves', async () => {
    await server.kill('SIGTERM');
    expect(server.child.exitCode).toBe(0);
    const created = await runSwitchboard(
      ['create-admin', '--email', 'second@example.com', '--password-stdin'],
      env,
      `${PASSWORD}\n`,
    );
    expect(created.stdout).toMatch(/^admin created: second@example.com/);
    expect(created.code).toBe(0);
  }, 90_000);
});
