// One shape for every desk's inbound webhook: read the raw body (signatures cover the exact bytes), verify
// it (401 and nothing written when it fails), parse it into DeskEvents (400 with what was expected when it
// is not the vendor's format), write them to the durable inbox and answer at once; the inbox worker applies
// them afterwards. A replayed delivery finds its events already in the inbox and changes nothing.
import type { Request } from 'express';
import type { Logger } from 'pino';
import { sendError } from '../../server/http.errors.ts';
import { type Route, route } from '../../server/route.table.ts';
import type { DeskEvent } from '../desk-event.port.ts';
import type { DeskInbox } from './desk-inbox.store.ts';
import type { SignatureCheck } from './signature.ts';

/** What a webhook body means: events to apply, nothing for us, an answer the vendor expects, or garbage. */
export type WebhookParse =
  | { kind: 'events'; events: DeskEvent[] }
  | { kind: 'ignored'; reason: string }
  | { kind: 'reply'; status: number; body: unknown }
  | { kind: 'invalid'; message: string };

export interface DeskWebhookOptions {
  path: string;
  desk: string;
  /** For the OpenAPI document: what the webhook carries, and the header its signature comes in. */
  summary: string;
  signatureHeader: string;
  verify: (req: Request, rawBody: Buffer) => SignatureCheck;
  parse: (json: unknown, req: Request) => WebhookParse | Promise<WebhookParse>;
  inbox: DeskInbox;
  /** Wakes the inbox worker once new events are written. */
  onAccepted: () => void;
  logger: Logger;
  /** Also accept application/x-www-form-urlencoded (Slack slash commands); parse gets the fields. */
  form?: boolean;
}

function readBody(rawBody: Buffer, form: boolean): unknown {
  const text = rawBody.toString('utf8');
  if (form && !text.trimStart().startsWith('{')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return undefined;
  }
}

export function deskWebhookRoute(options: DeskWebhookOptions): Route {
  return route({
    method: 'post',
    path: options.path,
    summary: options.summary,
    tags: ['desks'],
    auth: 'signature',
    signatureHeader: options.signatureHeader,
    rawBody: {
      contentType: options.form ? 'application/x-www-form-urlencoded' : 'application/json',
      limit: '256kb',
      description: `The ${options.desk} webhook body, read as bytes: the signature covers them`,
    },
    responses: {
      '200': {
        description: 'Accepted (events written to the inbox), ignored, or the answer the vendor expects',
      },
      '400': { description: "Not JSON, or not this vendor's format: the message says what was expected" },
    },
    handler: async ({ req, res }) => {
      const rawBody: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const check = options.verify(req, rawBody);
      if (!check.ok) {
        options.logger.warn({ desk: options.desk, reason: check.reason }, 'desk webhook refused');
        return sendError(res, 401, 'invalid_signature', check.reason);
      }
      const json = readBody(rawBody, options.form ?? false);
      if (json === undefined) return sendError(res, 400, 'invalid_request', 'the body is not JSON');
      const parsed = await options.parse(json, req);
      switch (parsed.kind) {
        case 'invalid':
          return sendError(res, 400, 'invalid_request', parsed.message);
        case 'reply':
          return res.status(parsed.status).json(parsed.body);
        case 'ignored':
          options.logger.debug({ desk: options.desk, reason: parsed.reason }, 'desk webhook ignored');
          return res.status(200).json({ accepted: 0, ignored: parsed.reason });
        case 'events': {
          const { accepted, duplicates } = await options.inbox.accept(parsed.events);
          if (accepted > 0) options.onAccepted();
          return res.status(200).json({ accepted, duplicates });
        }
      }
    },
  });
}
