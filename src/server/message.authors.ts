// What the visitor sees of who wrote a message: an operator's display name instead of their internal id.
// Names are looked up in the operator directory and kept for a minute, so a busy stream costs no queries;
// a renamed operator shows the new name within that minute, a removed one shows as "Agent".
import type { ChatMessage } from '../engine/turn.types.ts';
import type { OperatorDirectory } from './auth.operators.ts';
import type { WidgetMessage } from './widget.schemas.ts';

export interface MessageAuthors {
  present(messages: ChatMessage[]): Promise<WidgetMessage[]>;
  /** The operator's display name; null when the operator is unknown or the lookup failed. */
  name(agentId: string): Promise<string | null>;
}

const FALLBACK = 'Agent';

export function createMessageAuthors(
  directory: Pick<OperatorDirectory, 'get'>,
  options: { ttlMs?: number; now?: () => number } = {},
): MessageAuthors {
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  const names = new Map<string, { name: string | null; until: number }>();

  async function name(agentId: string): Promise<string | null> {
    const cached = names.get(agentId);
    if (cached && cached.until > now()) return cached.name;
    // A failed lookup shows the generic name this once rather than holding the message back.
    const found = await directory.get(agentId).catch(() => undefined);
    if (found === undefined) return null;
    const known = found?.displayName ?? null;
    if (names.size > 1000) names.clear();
    names.set(agentId, { name: known, until: now() + ttlMs });
    return known;
  }

  return {
    name,
    async present(messages) {
      return Promise.all(
        messages.map(async ({ agentId, ...message }) =>
          agentId ? { ...message, author: (await name(agentId)) ?? FALLBACK } : message,
        ),
      );
    },
  };
}
