// What the channel webhooks need from the conversation side, over the engine's channel plumbing
// (ingestChannelMessage, the channel_sessions claim table): hand a visitor message to the session of
// (channel, external id), find that session, and — for the Zobot's "visitor opened the chat" — open it
// without a message. Expected outcomes are values, as everywhere at the edge.
import type { Engine } from '../engine/engine.ts';
import type { TurnResponse } from '../engine/turn.types.ts';
import type { ChannelSessionsRepository } from '../storage/channel-sessions.repository.ts';
import type { ChannelIngest } from './channel.ingest.ts';
import type { ChannelInbound, ChannelName, ChannelProfile } from './channel.port.ts';

export type ChannelIngestResult =
  | { outcome: 'ok' | 'duplicate'; sessionId: string; response: TurnResponse }
  /** The engine would not take the message (a button not on offer, a session that is closed…). */
  | { outcome: 'refused'; sessionId: string | null; message: string }
  | { outcome: 'busy'; message: string };

export interface ChannelOpenResult {
  sessionId: string;
  created: boolean;
  response: TurnResponse;
}

export interface ChannelConversations {
  ingest(inbound: ChannelInbound): Promise<ChannelIngestResult>;
  /** The session (channel, external id) is on now; null when that person never wrote. */
  find(channel: ChannelName, externalId: string): Promise<string | null>;
  open(channel: ChannelName, externalId: string, profile?: ChannelProfile): Promise<ChannelOpenResult>;
}

const BUSY = 'This conversation is receiving many messages at once; the message will be retried.';

export function createChannelConversations(deps: {
  ingest: ChannelIngest['ingestChannelMessage'];
  sessions: Pick<ChannelSessionsRepository, 'find' | 'claim' | 'replace'>;
  engine: Pick<Engine, 'start' | 'view'>;
  newId: () => string;
  now?: () => Date;
  /** How long a claimed row may point at a session not created yet before it counts as expired. */
  claimGraceMs?: number;
}): ChannelConversations {
  const now = deps.now ?? (() => new Date());
  const grace = deps.claimGraceMs ?? 10_000;
  /** The session as it stands, as a turn answer: its last bot messages and the buttons on offer. */
  async function current(sessionId: string): Promise<TurnResponse | null> {
    const view = await deps.engine.view(sessionId, null);
    if (view.outcome !== 'ok') return null;
    const lastVisitor = view.messages.map((m) => m.role).lastIndexOf('visitor');
    const replies = view.messages.slice(lastVisitor + 1).filter((m) => m.role !== 'visitor');
    return {
      sessionId,
      seq: view.session.version,
      state: view.state,
      owner: view.owner,
      replies,
      messages: replies,
      buttons: view.buttons,
    };
  }

  async function startSession(channel: ChannelName, sessionId: string, profile: ChannelProfile) {
    const visitor = {
      ...(profile.name ? { name: profile.name } : {}),
      ...(profile.email ? { email: profile.email } : {}),
      ...(profile.phone ? { phone: profile.phone } : {}),
    };
    const started = await deps.engine.start({ sessionId, channel, visitor });
    return { sessionId, created: true, response: started.response };
  }

  return {
    async ingest(inbound) {
      const result = await deps.ingest(inbound);
      switch (result.outcome) {
        case 'ok':
        case 'duplicate':
          return { outcome: result.outcome, sessionId: result.sessionId, response: result.response };
        case 'busy':
          return { outcome: 'busy', message: BUSY };
        case 'unsupported':
          return { outcome: 'refused', sessionId: null, message: result.reply };
        case 'button_not_offered':
          return {
            outcome: 'refused',
            sessionId: result.sessionId,
            message:
              'That option is no longer on offer. Please type your question or pick one of the latest options.',
          };
        case 'not_accepted':
        case 'forbidden':
          return { outcome: 'refused', sessionId: result.sessionId, message: result.message };
        default:
          return { outcome: 'refused', sessionId: result.sessionId, message: `not taken: ${result.outcome}` };
      }
    },

    async find(channel, externalId) {
      return (await deps.sessions.find(channel, externalId))?.sessionId ?? null;
    },

    async open(channel, externalId, profile = {}) {
      for (let attempt = 1; attempt <= 20; attempt++) {
        const row = await deps.sessions.find(channel, externalId);
        if (row) {
          const response = await current(row.sessionId);
          if (response) return { sessionId: row.sessionId, created: false, response };
          // No session behind the row: a first message still starting it (wait), or it expired (replace).
          if (now().getTime() - row.claimedAt.getTime() >= grace) {
            const sessionId = deps.newId();
            if (await deps.sessions.replace(channel, externalId, row.sessionId, sessionId))
              return startSession(channel, sessionId, profile);
          }
        } else {
          const sessionId = deps.newId();
          if (await deps.sessions.claim(channel, externalId, sessionId, profile))
            return startSession(channel, sessionId, profile);
        }
        await new Promise((r) => setTimeout(r, Math.min(200, 10 * attempt)));
      }
      throw new Error(`no session for ${channel} ${externalId} after repeated attempts`);
    },
  };
}
