// Customer memory in one place for the composition root: the repository, the linker, privacy, the
// recordContact effect handler, the facts the customer priority rules read, and the API.
import type { Logger } from 'pino';
import type { EffectHandler } from '../engine/effect.worker.ts';
import type { TraceEntry } from '../engine/turn.types.ts';
import type { VisitorInfo } from '../machines/conversation.context.ts';
import { contactRoutes } from '../server/contacts.routes.ts';
import { createContactsRepository } from '../storage/contacts.repository.ts';
import type { Db } from '../storage/database.ts';
import { RECORD_CONTACT } from './contact.effect.ts';
import { validIdentities } from './contact.identity.ts';
import { createContactLinker } from './contact.linker.ts';
import { createContactPrivacy } from './contact.privacy.ts';
import type { CustomerFacts } from './contact.types.ts';
import { createRecordContactHandler } from './contact-memory.handler.ts';

export interface ContactsModuleDeps {
  db: Db;
  trace: (sessionId: string) => Promise<TraceEntry[]>;
  /** How far back the priority rules count escalations. */
  recentDays: number;
  logger: Logger;
  now: () => Date;
  /** Erasure rewrote these sessions' snapshots (the engine's session cache drops them). */
  onSessionsRewritten?: (sessionIds: string[]) => void;
}

export function createContactsModule(deps: ContactsModuleDeps) {
  const repository = createContactsRepository(deps.db, deps.now);
  const linker = createContactLinker(deps.db, deps.now);
  const privacy = createContactPrivacy(deps.db, repository, deps.now, deps.onSessionsRewritten);
  const handlers: Record<string, EffectHandler> = {
    [RECORD_CONTACT]: createRecordContactHandler({ db: deps.db, linker, trace: deps.trace }),
  };
  /** Never fails a turn: without the facts the turn goes on with the priority the words earned. */
  async function customerFacts(
    sessionId: string,
    context: { visitor: VisitorInfo },
  ): Promise<CustomerFacts | null> {
    const identities = validIdentities([
      ...(context.visitor.phone ? [{ kind: 'phone' as const, value: context.visitor.phone }] : []),
      ...(context.visitor.email ? [{ kind: 'email' as const, value: context.visitor.email }] : []),
    ]);
    return repository.factsFor(sessionId, identities, deps.recentDays).catch((error: unknown) => {
      deps.logger.warn({ err: error, sessionId }, 'customer facts unavailable: priority by words only');
      return null;
    });
  }
  const routes = contactRoutes({ repository, linker, privacy, now: deps.now });
  return { repository, linker, privacy, handlers, customerFacts, routes };
}

export type ContactsModule = ReturnType<typeof createContactsModule>;
