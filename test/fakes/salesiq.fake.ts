// A fake Zoho SalesIQ speaking its REST v2 wire format: `Authorization: Zoho-oauthtoken <token>` checked
// against the fake accounts server; answers {url, object, data} on success and, like SalesIQ, errors with
// HTTP 200 and {"error":{"code":100x,"message"}}. How a bad token is answered is switchable, because Zoho's
// front doors differ: SalesIQ's own 200 + code 1001, or 401 INVALID_OAUTHTOKEN, or 400 INVALID_TOKEN.
import { type KeyObject, randomBytes, sign } from 'node:crypto';
import {
  type FakeServer,
  FaultPlan,
  type RecordedRequest,
  type Reply,
  sendWebhook,
  startFakeServer,
  withFault,
} from '../handoff/support/fake-http.ts';

export type SalesIqWebhookEvent =
  | 'conversation.attender.updated'
  | 'conversation.operator.replied'
  | 'conversation.completed'
  | 'conversation.missed';

export interface SalesIqConversation {
  id: string;
  reference_id: string;
  chat_id: string;
  question: string;
  app_id: string;
  department_id: string;
  visitor: { user_id: string; name?: string; email?: string; phone?: string };
  customer_info: unknown;
  start_time: number;
  messages: string[];
}

export type InvalidTokenStyle = 'salesiq-1001' | 'http-401' | 'http-400';

export interface SalesIqFake extends FakeServer {
  screenName: string;
  conversations: SalesIqConversation[];
  /** Faults for conversation creation; `listFaults` for the conversation list, `messageFaults` for messages. */
  faults: FaultPlan;
  listFaults: FaultPlan;
  messageFaults: FaultPlan;
  invalidTokenStyle: InvalidTokenStyle;
  /** How many calls were answered "invalid token". */
  readonly invalidTokenAnswers: number;
  /**
   * Sends a webhook for a conversation as SalesIQ does: the envelope, signed SHA256withRSA (base64 in
   * x-siqsignature) with the portal's private key. `signature` overrides it (forged or missing).
   */
  webhook(
    url: string,
    event: SalesIqWebhookEvent,
    conversationId: string,
    entity?: Record<string, unknown>,
    options?: { signature?: string | null; attempt?: number },
  ): Promise<{ status: number; body: any; raw: string }>;
}

export const OPERATOR = { id: '2000000000011', name: 'Maria', email: 'maria@example.com' };

/** The entity SalesIQ sends with each event (the parts we read, plus a little of the rest). */
export function salesIqEntity(
  event: SalesIqWebhookEvent,
  conversationId: string,
  text = 'Hello, I am here to help.',
) {
  const visitor = { id: 'v1', name: 'Website visitor', email_id: '', channel: 'website', type: 'lead' };
  switch (event) {
    case 'conversation.operator.replied':
      return {
        id: conversationId,
        visitor_conversation_id: conversationId,
        visitor,
        message: {
          msgid: randomBytes(6).toString('hex'),
          text,
          meta: {},
          sender: { id: OPERATOR.id, name: OPERATOR.name, type: 'operator' },
        },
      };
    case 'conversation.attender.updated':
      return {
        id: conversationId,
        visitor,
        owner: { ...OPERATOR, email_id: OPERATOR.email, type: 'operator' },
      };
    case 'conversation.completed':
      return { id: conversationId, visitor, ended_by: 'operator', end_time: String(Date.now()) };
    case 'conversation.missed':
      return { id: conversationId, visitor };
  }
}

export async function startSalesIqFake(options: {
  screenName: string;
  isValidToken: (token: string) => boolean;
  /** The portal's webhook signing key (the test generates the pair and configures the public half). */
  webhookKey?: KeyObject;
}): Promise<SalesIqFake> {
  const conversations: SalesIqConversation[] = [];
  const unavailable = () => ({
    kind: 'status' as const,
    status: 503,
    body: '<html><body>Service Temporarily Unavailable</body></html>',
  });
  const faults = new FaultPlan(unavailable);
  const listFaults = new FaultPlan(unavailable);
  const messageFaults = new FaultPlan(unavailable);
  const state = { invalidTokenStyle: 'salesiq-1001' as InvalidTokenStyle, invalidTokenAnswers: 0 };

  function invalidToken(): Reply {
    state.invalidTokenAnswers++;
    switch (state.invalidTokenStyle) {
      case 'http-401':
        return { status: 401, body: { code: 'INVALID_OAUTHTOKEN', message: 'invalid oauth token' } };
      case 'http-400':
        return {
          status: 400,
          body: { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' },
        };
      default:
        return {
          status: 200,
          body: { error: { code: 1001, message: 'Unknown authentication error, Contact SalesIQ Team!' } },
        };
    }
  }

  /** Authorization and portal checks every endpoint shares; null when the request may proceed. */
  function gate(req: RecordedRequest, screen: string): Reply | null {
    const header = req.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Zoho-oauthtoken ')) {
      return { status: 200, body: { error: { code: 1002, message: 'Invalid authorization header.' } } };
    }
    if (!options.isValidToken(header.slice('Zoho-oauthtoken '.length))) return invalidToken();
    if (screen !== options.screenName) {
      return {
        status: 200,
        body: { error: { code: 1005, message: 'Invalid portal or wrong screen name.' } },
      };
    }
    return null;
  }

  const server = await startFakeServer(async (req) => {
    const create = req.path.match(/^\/visitor\/v2\/([^/]+)\/conversations$/);
    if (create && req.method === 'POST') {
      return withFault(faults.next(), () => {
        const refused = gate(req, decodeURIComponent(create[1] ?? ''));
        if (refused) return refused;
        const b = req.json as Partial<SalesIqConversation> | null;
        const missing = ['app_id', 'department_id', 'question'].find(
          (k) => !b || typeof (b as Record<string, unknown>)[k] !== 'string',
        );
        if (!b || missing || !b.visitor?.user_id) {
          // (The fake's own code for a payload error; our client treats unknown codes as a refusal.)
          return {
            status: 200,
            body: { error: { code: 1050, message: 'Invalid value', json_key: missing ?? 'visitor.user_id' } },
          };
        }
        const conversation: SalesIqConversation = {
          id: `${Date.now()}${randomBytes(3).readUIntBE(0, 3)}`,
          reference_id: String(conversations.length + 1000),
          chat_id: `LD_${randomBytes(8).toString('hex')}`,
          question: b.question ?? '',
          app_id: b.app_id ?? '',
          department_id: b.department_id ?? '',
          visitor: b.visitor,
          customer_info: b.customer_info,
          start_time: Date.now(),
          messages: [],
        };
        conversations.push(conversation);
        const { messages: _m, ...data } = conversation;
        return {
          status: 200,
          body: {
            url: req.path,
            object: 'conversations',
            data: { ...data, start_time: String(data.start_time), chat_status: { status_code: 1, state: 1 } },
          },
        };
      });
    }
    const list = req.path.match(/^\/api\/v2\/([^/]+)\/conversations$/);
    if (list && req.method === 'GET') {
      return withFault(listFaults.next(), () => {
        const refused = gate(req, decodeURIComponent(list[1] ?? ''));
        if (refused) return refused;
        const from = Number(req.query.get('from_time') ?? 0);
        const data = conversations
          .filter((c) => c.start_time >= from)
          .filter((c) => !req.query.get('app_id') || c.app_id === req.query.get('app_id'))
          .filter(
            (c) => !req.query.get('department_id') || c.department_id === req.query.get('department_id'),
          )
          .slice(0, Number(req.query.get('limit') ?? 20))
          .map(({ messages: _m, ...c }) => ({ ...c, start_time: String(c.start_time) }));
        return { status: 200, body: { url: req.path, object: 'list', data } };
      });
    }
    const message = req.path.match(/^\/visitor\/v2\/([^/]+)\/conversations\/([^/]+)\/messages$/);
    if (message && req.method === 'POST') {
      return withFault(messageFaults.next(), () => {
        const refused = gate(req, decodeURIComponent(message[1] ?? ''));
        if (refused) return refused;
        const conversation = conversations.find((c) => c.id === message[2]);
        if (!conversation)
          return { status: 200, body: { error: { code: 1051, message: 'Conversation not found' } } };
        const text = (req.json as { text?: unknown } | null)?.text;
        if (typeof text !== 'string')
          return { status: 200, body: { error: { code: 1050, message: 'Invalid value', json_key: 'text' } } };
        conversation.messages.push(text);
        return {
          status: 200,
          body: { url: req.path, object: 'message', data: { id: randomBytes(4).toString('hex'), text } },
        };
      });
    }
    return { status: 200, body: { error: { code: 1006, message: 'Invalid URL' } } };
  });

  return {
    url: server.url,
    requests: server.requests,
    close: server.close,
    screenName: options.screenName,
    conversations,
    faults,
    listFaults,
    messageFaults,
    get invalidTokenStyle() {
      return state.invalidTokenStyle;
    },
    set invalidTokenStyle(v: InvalidTokenStyle) {
      state.invalidTokenStyle = v;
    },
    get invalidTokenAnswers() {
      return state.invalidTokenAnswers;
    },
    async webhook(url, event, conversationId, entity, webhookOptions = {}) {
      const raw = JSON.stringify({
        entity_type: 'conversation',
        webhook: { id: 'wh-1' },
        event,
        entity_id: conversationId,
        org_id: '60000000001',
        app_id: 'app-1',
        attempt: webhookOptions.attempt ?? 1,
        version: 1,
        event_time: String(Date.now()),
        entity: entity ?? salesIqEntity(event, conversationId),
      });
      const signature =
        webhookOptions.signature !== undefined
          ? webhookOptions.signature
          : options.webhookKey
            ? sign('sha256', Buffer.from(raw), options.webhookKey).toString('base64')
            : null;
      const answer = await sendWebhook(url, raw, {
        'content-type': 'application/json',
        ...(signature !== null ? { 'x-siqsignature': signature } : {}),
      });
      return { ...answer, raw };
    },
  };
}
