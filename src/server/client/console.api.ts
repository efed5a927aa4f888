// The console's client for the operator API: JSON in and out, the bearer token, errors as ApiError with
// the server's own message (written for a person), and a 401 ending the session.

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

export type Api = <T>(path: string, init?: { method?: string; body?: unknown }) => Promise<T>;

export function createApi(token: () => string | null, onExpired: () => void): Api {
  return async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const bearer = token();
    const res = await fetch(`/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: {
        'content-type': 'application/json',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    const body = text ? (JSON.parse(text) as T & { error?: { message?: string; code?: string } }) : ({} as T);
    if (!res.ok) {
      const error = (body as { error?: { message?: string; code?: string } }).error;
      if (res.status === 401 && path !== '/auth/login') onExpired();
      throw new ApiError(error?.message ?? `HTTP ${res.status}`, res.status, error?.code ?? 'error');
    }
    return body;
  };
}
