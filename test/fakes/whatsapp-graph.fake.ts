// A fake WhatsApp Cloud API (Graph) speaking its wire format: `POST /{phone number id}/messages` with
// `Authorization: Bearer <token>`, answering `{messaging_product, contacts:[{input, wa_id}], messages:[{id}]}`
// and, on demand, Graph's errors `{"error":{message, type, code, error_subcode, fbtrace_id}}`: 429 (code
// 130429), 5xx, and 131047 (the 24-hour customer-service window is closed). It records every send, and can
// post signed webhooks (messages, statuses) to the server under test the way Meta does.
import { randomBytes } from 'node:crypto';
import { metaSignature } from '../../src/channels/webhook.verify.ts';
import {
  type FakeServer,
  type RecordedRequest,
  type Reply,
  startFakeServer,
} from '../handoff/support/fake-http.ts';

export type GraphFault = '429' | '500' | '503' | '131047' | 'bad-token';

export interface GraphSend {
  to: string;
  type: string;
  body: Record<string, unknown>;
  id: string;
  request: RecordedRequest;
}

export interface WhatsAppGraphFake extends FakeServer {
  /** Successful sends, in order. */
  sends: GraphSend[];
  /** Faults answered to the next sends, one each. */
  faults: GraphFault[];
}

function graphError(
  status: number,
  code: number,
  message: string,
  type = 'OAuthException',
  subcode?: number,
): Reply {
  return {
    status,
    body: {
      error: {
        message,
        type,
        code,
        ...(subcode ? { error_subcode: subcode } : {}),
        fbtrace_id: `A${randomBytes(8).toString('hex')}`,
      },
    },
  };
}

export async function startWhatsAppGraphFake(options: {
  phoneNumberId: string;
  accessToken: string;
}): Promise<WhatsAppGraphFake> {
  const sends: GraphSend[] = [];
  const faults: GraphFault[] = [];
  const server = await startFakeServer((req) => {
    const m = req.path.match(/^\/(?:v\d+\.\d+\/)?([^/]+)\/messages$/);
    if (!m || req.method !== 'POST')
      return graphError(400, 100, `Unsupported ${req.method} request.`, 'GraphMethodException');
    if (req.headers.authorization !== `Bearer ${options.accessToken}`)
      return graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
    if (m[1] !== options.phoneNumberId)
      return graphError(
        400,
        100,
        `Unsupported post request. Object with ID '${m[1]}' does not exist`,
        'GraphMethodException',
        33,
      );
    const fault = faults.shift();
    if (fault === '429')
      return { ...graphError(429, 130429, '(#130429) Rate limit hit'), headers: { 'retry-after': '0' } };
    if (fault === '500') return graphError(500, 1, 'An unknown error occurred', 'OAuthException');
    if (fault === '503') return graphError(503, 2, 'Service temporarily unavailable', 'OAuthException');
    if (fault === '131047')
      return graphError(400, 131047, '(#131047) Re-engagement message', 'OAuthException');
    if (fault === 'bad-token')
      return graphError(401, 190, 'Error validating access token: Session has expired');
    const body = req.json as Record<string, unknown> | null;
    if (
      !body ||
      typeof body.messaging_product !== 'string' ||
      body.messaging_product !== 'whatsapp' ||
      typeof body.to !== 'string' ||
      typeof body.type !== 'string'
    )
      return graphError(400, 100, '(#100) The parameter messaging_product is required.');
    const problem = invalidContent(body);
    if (problem) return graphError(400, 131009, `(#131009) Parameter value is not valid: ${problem}`);
    const id = `wamid.${Buffer.from(randomBytes(18)).toString('base64url')}`;
    sends.push({ to: body.to, type: body.type, body, id, request: req });
    return {
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        contacts: [{ input: body.to, wa_id: body.to }],
        messages: [{ id }],
      },
    };
  });
  return Object.assign(server, { sends, faults });
}

/** The limits Graph enforces on what we send (so a mapping that breaks them fails in the test). */
function invalidContent(body: Record<string, unknown>): string | null {
  if (body.type === 'text') {
    const text = (body.text as { body?: unknown } | undefined)?.body;
    if (typeof text !== 'string' || text.length === 0) return 'text.body is required';
    if ([...text].length > 4096) return 'text.body is longer than 4096 characters';
    return null;
  }
  if (body.type === 'interactive') {
    const i = body.interactive as {
      type?: string;
      body?: { text?: string };
      action?: {
        buttons?: Array<{ reply?: { id?: string; title?: string } }>;
        button?: string;
        sections?: Array<{ rows?: Array<{ id: string; title: string; description?: string }> }>;
      };
    };
    const text = i.body?.text ?? '';
    if (!text || [...text].length > 1024) return 'interactive.body.text must be 1-1024 characters';
    if (i.type === 'button') {
      const buttons = i.action?.buttons ?? [];
      if (buttons.length < 1 || buttons.length > 3) return 'between 1 and 3 buttons';
      const titles = buttons.map((b) => b.reply?.title ?? '');
      if (titles.some((t) => !t || [...t].length > 20)) return 'button titles must be 1-20 characters';
      if (new Set(titles).size !== titles.length) return 'button titles must be unique';
      return null;
    }
    if (i.type === 'list') {
      const rows = (i.action?.sections ?? []).flatMap((s) => s.rows ?? []);
      if (!i.action?.button || [...i.action.button].length > 20) return 'list button must be 1-20 characters';
      if (rows.length < 1 || rows.length > 10) return 'between 1 and 10 rows';
      if (rows.some((r) => [...r.title].length > 24 || [...(r.description ?? '')].length > 72))
        return 'row too long';
      return null;
    }
    return `unsupported interactive type ${i.type}`;
  }
  return `unsupported type ${String(body.type)}`;
}

/** A webhook body as Meta posts it for one incoming message (text, button or list reply, or another type). */
export function whatsAppMessageWebhook(options: {
  phoneNumberId: string;
  from: string;
  name?: string;
  id?: string;
  message:
    | { text: string }
    | { button: { id: string; title: string } }
    | { list: { id: string; title: string } }
    | { type: string };
}): Record<string, unknown> {
  const id = options.id ?? `wamid.${randomBytes(16).toString('base64url')}`;
  const m = options.message;
  const content =
    'text' in m
      ? { type: 'text', text: { body: m.text } }
      : 'button' in m
        ? { type: 'interactive', interactive: { type: 'button_reply', button_reply: m.button } }
        : 'list' in m
          ? { type: 'interactive', interactive: { type: 'list_reply', list_reply: m.list } }
          : { type: m.type, [m.type]: { id: randomBytes(8).toString('hex'), mime_type: 'image/jpeg' } };
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: options.phoneNumberId },
              contacts: [{ profile: { name: options.name ?? 'Sheena Nelson' }, wa_id: options.from }],
              messages: [
                { from: options.from, id, timestamp: String(Math.floor(Date.now() / 1000)), ...content },
              ],
            },
          },
        ],
      },
    ],
  };
}

export function whatsAppStatusWebhook(options: {
  phoneNumberId: string;
  messageId: string;
  recipient: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  errorCode?: number;
}): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: options.phoneNumberId },
              statuses: [
                {
                  id: options.messageId,
                  status: options.status,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  recipient_id: options.recipient,
                  ...(options.errorCode
                    ? {
                        errors: [
                          {
                            code: options.errorCode,
                            title:
                              'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
                          },
                        ],
                      }
                    : {}),
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

/** Posts a webhook to the server under test signed like Meta (`X-Hub-Signature-256`), or as told. */
export async function postWhatsAppWebhook(
  url: string,
  body: unknown,
  sign: { appSecret: string } | { signature: string | null },
): Promise<{ status: number; body: any }> {
  const raw = JSON.stringify(body);
  const signature = 'appSecret' in sign ? metaSignature(sign.appSecret, raw) : sign.signature;
  const res = await fetch(`${url}/channels/whatsapp/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature ? { 'x-hub-signature-256': signature } : {}),
    },
    body: raw,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, body: parsed };
}
