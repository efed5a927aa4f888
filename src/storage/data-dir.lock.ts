// One owner per embedded-database directory. PGlite is a single-process database: a second process that
// opens the same files sees a stale copy and its writes are lost or corrupt the first one's. Whoever opens
// DATA_DIR's database (the server or a CLI command) first creates `DATA_DIR/switchboard.pid` exclusively
// (O_EXCL: of two racing processes exactly one succeeds) and removes it on close. A pid file whose process
// is gone (a crash, kill -9, a container restarted with the same PID 1) is taken over. Node has no flock(2)
// without a native addon; the exclusive create plus the liveness check is the advisory lock.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

export const LOCK_FILE = 'switchboard.pid';

const holderSchema = z.object({ pid: z.number().int(), command: z.string() });
export type DataDirHolder = z.infer<typeof holderSchema>;

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: DataDirHolder,
  ) {
    const who =
      holder.command === 'serve'
        ? 'the server'
        : holder.pid < 0
          ? 'another process'
          : `\`switchboard ${holder.command}\``;
    super(
      `${who} (pid ${holder.pid}) holds ${dataDir}: stop it first, or point DATABASE_URL at a Postgres server that several processes can share`,
    );
  }
}

/** Directories this process holds (a second opener inside one process is refused too). */
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function dataDirHolderRaw(path: string): DataDirHolder | null {
  try {
    const parsed = holderSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Who holds the directory now, if anyone (a stale pid file counts as nobody). */
export function dataDirHolder(dataDir: string): DataDirHolder | null {
  const holder = dataDirHolderRaw(join(dataDir, LOCK_FILE));
  if (!holder) return null;
  if (holder.pid === process.pid) return heldHere.has(resolve(dataDir)) ? holder : null;
  return alive(holder.pid) ? holder : null;
}

/** Takes the directory for this process; throws DataDirLockedError naming the holder. Returns the release. */
/** `command` names the holder in the refusal others get (`serve` reads as "the server"). */
export function lockDataDir(dataDir: string, command: string): () => void {
  const key = resolve(dataDir);
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = dataDirHolder(dataDir);
      if (holder) throw new DataDirLockedError(dataDir, holder);
      // Stale: its process is gone. Remove and race for it again (once; a live winner then holds it).
      if (attempt > 0) throw new DataDirLockedError(dataDir, { pid: -1, command: 'unknown' });
      rmSync(path, { force: true });
      continue;
    }
    writeSync(fd, `${JSON.stringify({ pid: process.pid, command })}\n`);
    closeSync(fd);
    heldHere.add(key);
    return () => {
      if (!heldHere.delete(key)) return;
      // Remove only our own file (never one a later owner wrote after a takeover).
      if (dataDirHolderRaw(path)?.pid === process.pid) rmSync(path, { force: true });
    };
  }
}
