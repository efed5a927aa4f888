// What a channel webhook calls with a mapped visitor message: finds the person's session (or starts one,
// race-free, when this is their first message or their session expired) and handles the turn. Messages of
// one person are ordered by the engine's compare-and-set loop; session creation is ordered by the claim.
import type { Logger } from 'pino';
import type { Engine } from '../engine/engine.ts';
import type { HandleResult, VisitorInbound } from '../engine/inbound.ts';
import type { ChannelSessionsRepository } from '../storage/channel-sessions.repository.ts';
import type { ChannelInbound } from './channel.port.ts';

export type IngestResult =
  | (HandleResult & { sessionId: string })
  /** Image, audio, location…: no turn. The adapter may answer with `reply`. */
  | { outcome: 'unsupported'; kind: string; reply: string }
  | { outcome: 'busy' };

export const UNSUPPORTED_REPLY =
  "Sorry, I can only read text messages here. Please type your question and I'll help.";

export interface ChannelIngestDeps {
  engine: Pick<Engine, 'start' | 'handle'>;
  sessions: Pick<ChannelSessionsRepository, 'find' | 'claim' | 'replace'>;
  newId: () => string;
  now: () => Date;
  logger: Logger;
  /** How long a claimed row may point at a session not created yet before it counts as abandoned. */
  claimGraceMs?: number;
  maxAttempts?: number;
}

export function createChannelIngest(deps: ChannelIngestDeps) {
  const grace = deps.claimGraceMs ?? 10_000;
  const maxAttempts = deps.maxAttempts ?? 50;

  async function startFor(inbound: ChannelInbound, sessionId: string) {
    const profile = inbound.profile ?? {};
    const visitor = {
      ...(profile.name ? { name: profile.name } : {}),
      ...(profile.email ? { email: profile.email } : {}),
      ...(profile.phone ? { phone: profile.phone } : {}),
    };
    await deps.engine.start({ sessionId, channel: inbound.channel, visitor });
  }

  /** The session this message belongs to, started here if this call claimed it. */
  async function sessionFor(inbound: ChannelInbound, stale: string | null): Promise<string | null> {
    const { channel, externalId } = inbound;
    const row = await deps.sessions.find(channel, externalId);
    if (!row) {
      const id = deps.newId();
      if (!(await deps.sessions.claim(channel, externalId, id, inbound.profile))) return null;
      await startFor(inbound, id);
      return id;
    }
    if (row.sessionId !== stale) return row.sessionId;
    // The row's session is not there. Just claimed by someone still starting it: try it again (returning
    // null here waited without ever looking again, and the second of two first messages got "busy" on
    // Postgres, where a start takes longer than this loop's patience). Past the grace it expired.
    if (deps.now().getTime() - row.claimedAt.getTime() < grace) return row.sessionId;
    const id = deps.newId();
    if (!(await deps.sessions.replace(channel, externalId, row.sessionId, id))) return null;
    deps.logger.info(
      { channel, previous: row.sessionId, sessionId: id },
      'channel session expired; new session',
    );
    await startFor(inbound, id);
    return id;
  }

  async function ingestChannelMessage(inbound: ChannelInbound): Promise<IngestResult> {
    const content = inbound.content;
    if ('unsupported' in content)
      return { outcome: 'unsupported', kind: content.unsupported, reply: UNSUPPORTED_REPLY };
    const base = {
      kind: 'visitor',
      channel: inbound.channel,
      clientMessageId: inbound.clientMessageId,
    } as const;
    const visitor: VisitorInbound =
      'text' in content ? { ...base, text: content.text } : { ...base, button: content.button };
    let stale: string | null = null;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const sessionId = await sessionFor(inbound, stale);
      if (sessionId) {
        const result = await deps.engine.handle(sessionId, visitor);
        if (result.outcome !== 'not_found') return { ...result, sessionId };
        stale = sessionId;
      }
      await new Promise((r) => setTimeout(r, Math.min(200, 5 * attempt)));
    }
    deps.logger.warn({ channel: inbound.channel }, 'channel message: no session after repeated attempts');
    return { outcome: 'busy' };
  }

  return { ingestChannelMessage };
}

export type ChannelIngest = ReturnType<typeof createChannelIngest>;
