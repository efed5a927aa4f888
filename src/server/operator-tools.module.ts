// The operator tools beside the queue: canned replies, internal notes and transfers, the team (availability,
// role, deactivation, password reset) and automatic assignment of new live chats. Built in one place so the
// composition root only wires it: its routers, the presence the console stream reports to, and the
// notifyOperators effect wrapped to offer a new live chat to the next available agent.
import type { Logger } from 'pino';
import type { Config } from '../config/env.ts';
import type { EffectHandler } from '../engine/effect.worker.ts';
import type { Engine } from '../engine/engine.ts';
import type { Realtime } from '../engine/realtime.port.ts';
import type { AutoAssignRepository } from '../storage/auto-assign.repository.ts';
import { createCannedReplies } from '../storage/canned-replies.repository.ts';
import { createConversationNotes } from '../storage/conversation-notes.repository.ts';
import type { Db } from '../storage/database.ts';
import type { EscalationsRepository } from '../storage/escalations.repository.ts';
import type { OperatorPresenceRepository } from '../storage/operator-presence.repository.ts';
import type { OperatorDirectory } from './auth.operators.ts';
import { createAutoAssign } from './auto-assign.ts';
import { cannedReplyRoutes } from './canned-replies.routes.ts';
import { conversationNoteRoutes } from './conversation-notes.routes.ts';
import { createPresence } from './operator.presence.ts';
import type { Route } from './route.table.ts';
import { teamRoutes } from './team.routes.ts';

export interface OperatorToolsDeps {
  config: Config;
  db: Db;
  escalations: EscalationsRepository;
  presence: OperatorPresenceRepository;
  autoAssignPicks: AutoAssignRepository;
  /** Reached only when a request or an effect runs (the engine is built after the effect handlers). */
  engine: Pick<Engine, 'view' | 'handle'>;
  directory: OperatorDirectory;
  realtime: Realtime;
  logger: Logger;
  now: () => Date;
}

export function createOperatorToolsModule(deps: OperatorToolsDeps) {
  const { config, db, directory, realtime, now } = deps;
  const logger = deps.logger.child({ component: 'operator-tools' });
  const settings = config.operators.autoAssign;
  const autoAssign = createAutoAssign({
    picks: deps.autoAssignPicks,
    escalations: deps.escalations,
    engine: deps.engine,
    directory,
    logger,
    now,
    defaultCapacity: settings.defaultCapacity,
  });
  const drain = async () => {
    if (settings.enabled) await autoAssign.drain();
  };
  const presence = createPresence(deps.presence, {
    now,
    graceMs: config.operators.offlineAfterMs,
    // Chats that waited while nobody had room: offered again every refresh (every process; the policy and
    // the row locks keep a chat from being given twice).
    onTick: drain,
  });
  const routes: Route[] = [
    ...cannedReplyRoutes({
      replies: createCannedReplies(db, now),
      logger,
      maxMessageChars: config.server.maxMessageChars,
    }),
    ...conversationNoteRoutes({
      engine: deps.engine,
      notes: createConversationNotes(db, now),
      directory,
      realtime,
      logger,
    }),
    ...teamRoutes({ directory, presence, realtime, logger, onOnline: drain }),
  ];

  /** notifyOperators, then (AUTO_ASSIGN) the new live chat offered to the next available agent. */
  function assignAfter(notify: EffectHandler | undefined): EffectHandler | undefined {
    if (!notify || !settings.enabled) return notify;
    return async (effect) => {
      const done = await notify(effect);
      const reason = (effect.params as { reason?: unknown } | null)?.reason;
      if (done.outcome === 'done' && reason === 'new_escalation')
        await autoAssign.offer(effect.sessionId, `${effect.sessionId}:${effect.seq}`);
      return done;
    };
  }

  return {
    routes,
    presence,
    autoAssign,
    assignAfter,
    close: () => presence.close(),
  };
}
