// CLI side of the server's local admin door (src/server/local-admin.ts): while a server holds DATA_DIR's
// embedded database, commands that need it ask the server instead of opening the files a second time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/env.ts';
import { ADMIN_FILE, adminFileSchema } from '../server/local-admin.ts';
import { DataDirLockedError, dataDirHolder } from '../storage/data-dir.lock.ts';

export interface LocalAdmin {
  pid: number;
  request(path: string, init?: { method?: string; body?: unknown }): Promise<Response>;
}

/**
 * The running server's admin door when one holds the embedded database; null when nobody does (or the
 * data lives in a Postgres server, which any number of processes may open). Throws DataDirLockedError when
 * something else holds the directory (another command, or a server without the door).
 */
export function runningServer(config: Config): LocalAdmin | null {
  if (config.storage.databaseUrl) return null;
  const holder = dataDirHolder(config.storage.dataDir);
  if (!holder) return null;
  let admin: { pid: number; url: string; token: string } | null = null;
  try {
    const parsed = adminFileSchema.safeParse(
      JSON.parse(readFileSync(join(config.storage.dataDir, ADMIN_FILE), 'utf8')),
    );
    if (parsed.success && parsed.data.pid === holder.pid) admin = parsed.data;
  } catch {
    // no door (yet): refused below
  }
  if (!admin) throw new DataDirLockedError(config.storage.dataDir, holder);
  const { url, token } = admin;
  return {
    pid: holder.pid,
    request: (path, init = {}) =>
      fetch(`${url}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${token}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(30_000),
      }),
  };
}
