// Tickets and callbacks as work, and the service escalation API, built in one place so the composition
// root stays short: the repositories, the mailer (SMTP when configured), the routes, and the loop that
// reminds operators when a callback's window opens (durable: the reminder is a column of the row, so any
// process sends it, exactly once, after any restart).
import type { Logger } from 'pino';
import type { Config } from '../config/env.ts';
import { OPERATORS_CHANNEL, type Realtime } from '../engine/realtime.port.ts';
import type { DeskEvent } from '../handoff/desk-event.port.ts';
import { createSmtpMailer, type Mailer } from '../handoff/mail/mail.client.ts';
import { createCallbacksRepository } from '../storage/callbacks.repository.ts';
import type { Db } from '../storage/database.ts';
import { createSatisfactionRepository } from '../storage/satisfaction.repository.ts';
import { createTicketsRepository } from '../storage/tickets.repository.ts';
import type { OperatorDirectory } from './auth.operators.ts';
import { callbackItemOf, callbackRoutes } from './callbacks.routes.ts';
import type { Route, RouteGuards } from './route.table.ts';
import { requireServiceToken, serviceEscalationRoutes } from './service-escalation.routes.ts';
import { ticketRoutes } from './tickets.routes.ts';

export interface WorkModuleDeps {
  config: Config;
  db: Db;
  directory: OperatorDirectory;
  realtime: Realtime;
  allocateTicketNumber: () => Promise<string>;
  logger: Logger;
  now: () => Date;
  /** Tells a ticket's conversation what happened to the ticket (the handoff module's desk ingest). */
  toConversation?: (event: DeskEvent) => Promise<{ outcome: string }>;
  /** Overrides the SMTP mailer (none in tests that do not send mail). */
  mailer?: Mailer | null;
  reminderPollMs?: number;
}

export interface WorkModule {
  /** The ticket and callback work API and the service escalation API. */
  routes: Route[];
  /** The `service` guard (X-Service-Token) for the route tables. */
  guards: RouteGuards;
  /** Sends the reminders of callbacks whose window has opened; returns how many were sent. */
  remindDueCallbacks(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export function createWorkModule(deps: WorkModuleDeps): WorkModule {
  const { config, db, logger, now } = deps;
  const log = logger.child({ component: 'work' });
  const tickets = createTicketsRepository(db, now);
  const callbacks = createCallbacksRepository(db, now);
  const sla = config.operators.firstResponseSla;
  const mailConfig = config.work.mail;
  const mailer = deps.mailer !== undefined ? deps.mailer : mailConfig ? createSmtpMailer(mailConfig) : null;

  async function remindDueCallbacks(): Promise<number> {
    const at = now();
    let sent = 0;
    for (const row of await callbacks.dueForReminder(at)) {
      if (!(await callbacks.markReminded(row.id, at))) continue;
      sent++;
      await deps.realtime
        .publish(OPERATORS_CHANNEL, {
          sessionId: row.sessionId,
          seq: 0,
          kind: 'queue',
          payload: { kind: 'callback_due', callback: callbackItemOf(row, at) },
        })
        .catch((error: unknown) => log.warn({ err: error }, 'callback reminder publish failed'));
      log.info({ callback: row.id, dueAt: row.dueAt }, 'callback window opened: operators reminded');
    }
    return sent;
  }

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  return {
    routes: [
      ...ticketRoutes({
        tickets,
        ratings: createSatisfactionRepository(db),
        directory: deps.directory,
        mailer,
        sla,
        logger: log,
        now,
        ...(deps.toConversation ? { toConversation: deps.toConversation } : {}),
      }),
      ...callbackRoutes({ callbacks, directory: deps.directory, logger: log, now }),
      ...serviceEscalationRoutes({
        secret: config.work.serviceSecret,
        tickets,
        allocateTicketNumber: deps.allocateTicketNumber,
        realtime: deps.realtime,
        sla,
        logger: log,
        now,
      }),
    ],
    guards: { service: [requireServiceToken(config.work.serviceSecret)] },
    remindDueCallbacks,
    start() {
      timer = setInterval(() => {
        running = remindDueCallbacks().catch((error: unknown) =>
          log.warn({ err: error }, 'callback reminders failed; next poll retries'),
        );
      }, deps.reminderPollMs ?? 15_000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
      mailer?.close();
    },
  };
}
