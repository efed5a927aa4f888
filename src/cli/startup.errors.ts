// Start-up failures an operator can fix (a port in use, a database or Redis that does not answer, a bad
// setting, a data directory another process holds) as one line naming the problem, instead of a stack
// trace. Anything else is a bug and keeps its stack.
import { ConfigError } from '../config/env.ts';
import { DataDirLockedError } from '../storage/data-dir.lock.ts';
import { RedisUnreachableError } from '../storage/redis-client.ts';

interface SystemError extends Error {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
  hostname?: string;
}

const POSTGRES_CODES: Record<string, string> = {
  '28P01': 'the password was refused',
  '28000': 'the role may not log in',
  '3D000': 'the database does not exist',
  '57P03': 'the server is starting up or shutting down',
};

function postgresTarget(databaseUrl: string | undefined): string {
  try {
    const url = new URL(databaseUrl ?? '');
    return `${url.host}${url.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/** The line to print for an expected start-up failure, or null for a bug (print the stack). */
export function describeStartupFailure(
  error: unknown,
  context: { databaseUrl?: string; host?: string; port?: number },
): string | null {
  if (
    error instanceof ConfigError ||
    error instanceof RedisUnreachableError ||
    error instanceof DataDirLockedError
  )
    return error.message;
  if (!(error instanceof Error)) return null;
  const e = error as SystemError;
  // Drizzle wraps driver errors ("Failed query: …"); the driver's error is the cause.
  const cause = (e.cause instanceof Error ? e.cause : e) as SystemError;
  if (e.syscall === 'listen' || cause.syscall === 'listen') {
    const where = `${context.host ?? e.address}:${context.port ?? e.port}`;
    if (cause.code === 'EADDRINUSE')
      return `cannot listen on ${where}: the port is already in use (set PORT)`;
    if (cause.code === 'EACCES')
      return `cannot listen on ${where}: permission denied (use a port above 1023)`;
    if (cause.code === 'EADDRNOTAVAIL') return `cannot listen on ${where}: no such address here (set HOST)`;
    return `cannot listen on ${where}: ${cause.message}`;
  }
  const pgCode = cause.code ? POSTGRES_CODES[cause.code] : undefined;
  if (context.databaseUrl && pgCode)
    return `cannot use Postgres at ${postgresTarget(context.databaseUrl)}: ${pgCode}`;
  if (
    context.databaseUrl &&
    (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET'].includes(
      cause.code ?? '',
    ) ||
      /timeout exceeded when trying to connect|Connection terminated/i.test(cause.message))
  )
    return `cannot reach Postgres at ${postgresTarget(context.databaseUrl)} (${cause.code ?? cause.message})`;
  return null;
}
