// Tells "the database or Redis is not there right now" apart from a bug: the first is a 503 with
// Retry-After (the client retries with the same clientMessageId and nothing is duplicated), the second a 500.
// Drizzle wraps driver errors (`DrizzleQueryError`), so the whole `cause` chain is looked at.

/** SQLSTATE classes and codes that mean the server or the connection is unavailable, not the query wrong. */
const PG_UNAVAILABLE_CODES = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, or a server shutting down
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, recovery
  '57014', // query_canceled: statement_timeout
  '53300', // too_many_connections
  '25P03', // idle_in_transaction_session_timeout
  '40P01', // deadlock_detected: retrying is the answer
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /query read timeout/i,
  /not queryable/i,
  /terminating connection/i,
  /the client is closed/i,
  /the client is offline/i,
  /socket closed unexpectedly/i,
  /^LOADING\b/,
  /^MASTERDOWN\b/,
  /^READONLY\b/,
  /^OOM\b/,
  /^CLUSTERDOWN\b/,
  /^TRYAGAIN\b/,
];

const REDIS_ERROR_NAMES = new Set([
  'ClientClosedError',
  'DisconnectsClientError', // pending commands of a connection the watchdog dropped (redis.watchdog.ts)
  'ClientOfflineError',
  'ConnectionTimeoutError',
  'SocketClosedUnexpectedlyError',
  'SocketTimeoutError',
  'ReconnectStrategyError',
  'TimeoutError',
  'StorageTimeoutError',
  'StorageUnavailableError',
]);

/** Thrown by `withTimeout` when a storage call did not answer in time. */
export class StorageTimeoutError extends Error {
  override name = 'StorageTimeoutError';
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
  }
}

/** A storage answer that cannot be given safely right now (retry later). */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
}

function* causes(error: unknown): Generator<unknown> {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current; depth++) {
    yield current;
    current = current instanceof Error ? current.cause : undefined;
  }
}

export function isStorageUnavailable(error: unknown): boolean {
  for (const e of causes(error)) {
    if (!(e instanceof Error)) continue;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (PG_UNAVAILABLE_CODES.has(code) || code.startsWith('08') || NETWORK_CODES.has(code)) return true;
    }
    if (REDIS_ERROR_NAMES.has(e.name) || REDIS_ERROR_NAMES.has(e.constructor?.name)) return true;
    if (UNAVAILABLE_MESSAGES.some((m) => m.test(e.message))) return true;
  }
  return false;
}

/** Bounds one storage call: a black-holed server fails the request after `ms` instead of holding it. */
export async function withTimeout<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StorageTimeoutError(what, ms)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
