// The operator's login in this browser tab: the token kept in sessionStorage, logging out (the live
// stream closed, the server told unless the session already ended there), and resuming a saved token.
import type { Api } from './console.api.ts';
import type { AuthStore, ConversationStore, OperatorInfo } from './console.store.ts';

const TOKEN_KEY = 'switchboard:console-token';
export const SESSION_ENDED = 'Your session has ended. Please log in again.';

export const savedToken = () => sessionStorage.getItem(TOKEN_KEY);
export const saveToken = (token: string) => sessionStorage.setItem(TOKEN_KEY, token);

interface Stream {
  close(): void;
}

export function createSession(auth: AuthStore, convo: ConversationStore) {
  let stream: Stream | null = null;
  return {
    /** Closes this login's live stream, if any, then opens its replacement. */
    replaceStream(open: () => Stream) {
      stream?.close();
      stream = open();
    },
    /** With a reason the server ended the session (the reason is shown); without, the operator did. */
    logout(reason?: string) {
      const token = auth.getSnapshot().context.token;
      stream?.close();
      stream = null;
      sessionStorage.removeItem(TOKEN_KEY);
      if (token && !reason)
        void fetch('/api/v1/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      auth.trigger.loggedOut({ reason });
      convo.trigger.closed();
    },
  };
}

/** A saved token that /auth/me still accepts logs straight in; anything else shows the login form. */
export async function resumeSession(auth: AuthStore, api: Api, enter: () => Promise<void>) {
  const token = auth.getSnapshot().context.token;
  if (!token) return auth.trigger.loggedOut({});
  try {
    const { operator } = await api<{ operator: OperatorInfo }>('/auth/me');
    auth.trigger.loggedIn({ token, operator });
    await enter();
  } catch {
    sessionStorage.removeItem(TOKEN_KEY);
    auth.trigger.loggedOut({});
  }
}
