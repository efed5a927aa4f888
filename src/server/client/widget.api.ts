// The widget's HTTP client for the session API: JSON in and out, the session token as a bearer header,
// and a failure the visitor can read. Also the browser facts sent with a session's start.
import type { WidgetButton, WidgetMessage } from './widget.store.ts';

/** What the server answers for a session and for every turn. */
export interface TurnBody {
  sessionId: string;
  state: string;
  owner: 'bot' | 'human';
  messages: WidgetMessage[];
  buttons: WidgetButton[];
  token?: string;
  seq?: number;
}

export type WidgetApi = <T>(path: string, init?: RequestInit & { token?: string | null }) => Promise<T>;

/** `unreachable`: the sentence a network failure becomes (such an error has no status, so it is retried). */
export function widgetApi(apiBase: string, unreachable: string): WidgetApi {
  return async <T>(path: string, init: RequestInit & { token?: string | null } = {}): Promise<T> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    // A network failure (offline, or a site the server does not serve) reaches the page as a bare
    // TypeError ("Failed to fetch"): the visitor gets a sentence instead, and no status (so it is retried).
    const res = await fetch(`${apiBase}/api/v1${path}`, { ...init, headers }).catch(() => {
      throw new Error(unreachable);
    });
    const body = (await res.json().catch(() => ({}))) as T & { error?: { message?: string } };
    if (!res.ok)
      throw Object.assign(new Error(body.error?.message ?? `HTTP ${res.status}`), { status: res.status });
    return body;
  };
}

/** What the operator's visitor panel shows: where the chat was opened, from what, at which local time. */
export function browserFacts() {
  const web = (url: string) => (/^https?:\/\//i.test(url) && url.length <= 2048 ? url : undefined);
  const facts = {
    pageUrl: web(location.href.split('#')[0] ?? ''),
    referrer: web(document.referrer),
    userAgent: navigator.userAgent.slice(0, 512) || undefined,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || undefined,
    locale: /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(navigator.language) ? navigator.language : undefined,
  };
  return Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined));
}
