// The inbound side of the desks: the webhook routes whose secrets are configured, the durable inbox and
// its worker, the forwarder of visitor messages to the desks, and the Slack events and slash command.
import type { Logger } from 'pino';
import type { Route } from '../../server/route.table.ts';
import type { Db } from '../../storage/database.ts';
import { createDeskCasesRepository } from '../../storage/desk-cases.repository.ts';
import type { DeskInboxRepository } from '../../storage/desk-inbox.repository.ts';
import { createDeskOutboundRepository } from '../../storage/desk-outbound.repository.ts';
import type { DeskEvent } from '../desk-event.port.ts';
import type { FreshdeskClient } from '../freshdesk/freshdesk.client.ts';
import { parseFreshdeskWebhook } from '../freshdesk/freshdesk.events.ts';
import { FRESHDESK_SECRET_HEADER, verifyFreshdeskSecret } from '../freshdesk/freshdesk.signature.ts';
import type { DeskWebhookEnv } from '../handoff.env.ts';
import { parseSalesIqWebhook } from '../salesiq/salesiq.events.ts';
import {
  SALESIQ_SIGNATURE_HEADER,
  salesIqPublicKey,
  verifySalesIqSignature,
} from '../salesiq/salesiq.signature.ts';
import type { SlackClient } from '../slack/slack.client.ts';
import { openCasesMessage, SLACK_COMMAND } from '../slack/slack.command.ts';
import { parseSlackEvent } from '../slack/slack.events.ts';
import { verifySlackSignature } from '../slack/slack.signature.ts';
import type { ZendeskClient } from '../zendesk/zendesk.client.ts';
import { parseZendeskWebhook } from '../zendesk/zendesk.events.ts';
import {
  verifyZendeskSignature,
  ZENDESK_SIGNATURE_HEADER,
  ZENDESK_TIMESTAMP_HEADER,
} from '../zendesk/zendesk.signature.ts';
import { createDeskRecords } from './desk.records.ts';
import { createDeskForwarder } from './desk-forward.ts';
import { createDeskInbox } from './desk-inbox.store.ts';
import { createDeskInboxWorker, type DeskInboxWorkerOptions } from './desk-inbox.worker.ts';
import { deskWebhookRoute } from './desk-webhook.route.ts';

export const DESK_WEBHOOK_PATHS = {
  salesiq: '/webhooks/salesiq',
  zendesk: '/webhooks/zendesk',
  freshdesk: '/webhooks/freshdesk',
  slackEvents: '/slack/events',
  slackCommands: '/slack/commands',
} as const;

export interface DeskModuleOptions {
  db: Db;
  inbox: DeskInboxRepository;
  webhooks: DeskWebhookEnv;
  slackSigningSecret?: string;
  clients: { zendesk?: ZendeskClient; freshdesk?: FreshdeskClient; slack?: SlackClient };
  apply: DeskInboxWorkerOptions['apply'];
  logger: Logger;
  now: () => Date;
  nowSeconds?: () => number;
  worker?: Partial<Pick<DeskInboxWorkerOptions, 'pollMs' | 'leaseMs' | 'unknownCaseAttempts' | 'retryMs'>>;
}

function deskRecordsOver(db: Db, now: () => Date) {
  return createDeskRecords({
    cases: createDeskCasesRepository(db, now),
    outbound: createDeskOutboundRepository(db, now),
  });
}

export function createDeskModule(options: DeskModuleOptions) {
  const { db, webhooks, logger, now } = options;
  const log = logger.child({ component: 'desks' });
  const nowSeconds = options.nowSeconds ?? (() => Date.now() / 1000);
  const inbox = createDeskInbox(options.inbox, now);
  const records = deskRecordsOver(db, now);
  const slack = options.clients.slack;
  const names = new Map<string, string>();
  const worker = createDeskInboxWorker({
    inbox,
    records,
    apply: options.apply,
    logger: log,
    now,
    ...options.worker,
    // Slack events carry the user id only: the name is looked up here, not inside Slack's 3 s.
    async enrich(event: DeskEvent) {
      if (event.desk !== 'slack' || !('agent' in event) || !event.agent || !slack) return event;
      const userId = event.agent.id.replace(/^slack:/, '');
      if (event.agent.name !== userId) return event;
      const name = names.get(userId) ?? (await slack.userName(userId));
      if (!name) return event;
      names.set(userId, name);
      return { ...event, agent: { ...event.agent, name } };
    },
  });
  const onAccepted = () => worker.kick();
  const routes: Route[] = [];
  const on: string[] = [];

  if (webhooks.salesiqPublicKey) {
    const publicKey = salesIqPublicKey(webhooks.salesiqPublicKey);
    routes.push(
      deskWebhookRoute({
        path: DESK_WEBHOOK_PATHS.salesiq,
        desk: 'salesiq',
        summary: 'SalesIQ webhook: an operator joined, replied, closed or missed a handed-off chat',
        signatureHeader: SALESIQ_SIGNATURE_HEADER,
        verify: (req, rawBody) =>
          verifySalesIqSignature({ publicKey, signature: req.get(SALESIQ_SIGNATURE_HEADER), rawBody }),
        parse: parseSalesIqWebhook,
        inbox,
        onAccepted,
        logger: log,
      }),
    );
    on.push('salesiq');
  }
  const zendeskSecret = webhooks.zendeskSecret;
  if (zendeskSecret) {
    routes.push(
      deskWebhookRoute({
        path: DESK_WEBHOOK_PATHS.zendesk,
        desk: 'zendesk',
        summary: 'Zendesk webhook: a ticket changed status or got a public comment',
        signatureHeader: ZENDESK_SIGNATURE_HEADER,
        verify: (req, rawBody) =>
          verifyZendeskSignature({
            secret: zendeskSecret,
            timestamp: req.get(ZENDESK_TIMESTAMP_HEADER),
            signature: req.get(ZENDESK_SIGNATURE_HEADER),
            rawBody,
            nowSeconds: nowSeconds(),
          }),
        parse: parseZendeskWebhook,
        inbox,
        onAccepted,
        logger: log,
      }),
    );
    on.push('zendesk');
  }
  const freshdeskSecret = webhooks.freshdeskSecret;
  if (freshdeskSecret) {
    routes.push(
      deskWebhookRoute({
        path: DESK_WEBHOOK_PATHS.freshdesk,
        desk: 'freshdesk',
        summary: 'Freshdesk automation webhook: a ticket changed status or got a reply',
        signatureHeader: FRESHDESK_SECRET_HEADER,
        verify: (req) =>
          verifyFreshdeskSecret({ secret: freshdeskSecret, given: req.get(FRESHDESK_SECRET_HEADER) }),
        parse: parseFreshdeskWebhook,
        inbox,
        onAccepted,
        logger: log,
      }),
    );
    on.push('freshdesk');
  }
  const signingSecret = options.slackSigningSecret;
  if (signingSecret && slack) {
    const verify = (req: Parameters<Parameters<typeof deskWebhookRoute>[0]['verify']>[0], rawBody: Buffer) =>
      verifySlackSignature({
        signingSecret,
        timestamp: req.get('x-slack-request-timestamp'),
        signature: req.get('x-slack-signature'),
        rawBody,
        nowSeconds: nowSeconds(),
      });
    routes.push(
      deskWebhookRoute({
        path: DESK_WEBHOOK_PATHS.slackEvents,
        desk: 'slack',
        summary: 'Slack Events API: thread replies to a case message (and the URL verification challenge)',
        signatureHeader: 'x-slack-signature',
        verify,
        parse: parseSlackEvent,
        inbox,
        onAccepted,
        logger: log,
      }),
    );
    // The slash command is answered from the records at once; nothing goes through the inbox.
    routes.push(
      deskWebhookRoute({
        path: DESK_WEBHOOK_PATHS.slackCommands,
        desk: 'slack',
        summary: 'Slack slash command: the open cases, answered at once',
        signatureHeader: 'x-slack-signature',
        verify,
        form: true,
        parse: async (json, req) => {
          const command = (json as { command?: unknown } | null)?.command;
          if (command !== SLACK_COMMAND) return { kind: 'ignored', reason: `${String(command)} is not ours` };
          const consoleUrl = `${req.protocol}://${req.get('host') ?? 'localhost'}/console`;
          return { kind: 'reply', status: 200, body: await openCasesMessage(records, now(), consoleUrl) };
        },
        inbox,
        onAccepted,
        logger: log,
      }),
    );
    on.push('slack');
  }

  return {
    routes,
    records,
    inbox,
    worker,
    forwarder: createDeskForwarder({ records, ...options.clients, logger: log }),
    summary: on.length ? on.join(', ') : 'off',
  };
}

export type DeskModule = ReturnType<typeof createDeskModule>;
