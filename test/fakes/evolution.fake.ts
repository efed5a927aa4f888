// A fake Evolution API speaking its send-text wire format: `POST /message/sendText/{instance}` with the
// `apikey` header and `{number, text}`, answering 201 with the sent message
// `{key:{remoteJid, fromMe:true, id}, message:{conversation}, messageTimestamp, status:"PENDING"}`.
// Errors look like Evolution's: `{status, error, response:{message:[…]}}`.
import { randomBytes } from 'node:crypto';
import { type FakeServer, startFakeServer } from '../handoff/support/fake-http.ts';

export interface EvolutionSend {
  number: string;
  text: string;
  id: string;
}

export interface EvolutionFake extends FakeServer {
  sends: EvolutionSend[];
  faults: Array<'500' | '429'>;
}

export async function startEvolutionFake(options: {
  apiKey: string;
  instance: string;
}): Promise<EvolutionFake> {
  const sends: EvolutionSend[] = [];
  const faults: Array<'500' | '429'> = [];
  const server = await startFakeServer((req) => {
    const m = req.path.match(/^\/message\/sendText\/([^/]+)$/);
    if (!m || req.method !== 'POST')
      return {
        status: 404,
        body: {
          status: 404,
          error: 'Not Found',
          response: { message: [`Cannot ${req.method} ${req.path}`] },
        },
      };
    if (req.headers.apikey !== options.apiKey)
      return {
        status: 401,
        body: { status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } },
      };
    if (decodeURIComponent(m[1] ?? '') !== options.instance)
      return {
        status: 404,
        body: {
          status: 404,
          error: 'Not Found',
          response: { message: [`The "${m[1]}" instance does not exist`] },
        },
      };
    const fault = faults.shift();
    if (fault === '500')
      return {
        status: 500,
        body: { status: 500, error: 'Internal Server Error', response: { message: 'Connection Closed' } },
      };
    if (fault === '429') return { status: 429, body: { status: 429, error: 'Too Many Requests' } };
    const b = req.json as { number?: unknown; text?: unknown } | null;
    if (!b || typeof b.number !== 'string' || typeof b.text !== 'string' || !b.text)
      return {
        status: 400,
        body: {
          status: 400,
          error: 'Bad Request',
          response: { message: ['instance requires property "text"'] },
        },
      };
    const id = `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
    sends.push({ number: b.number, text: b.text, id });
    return {
      status: 201,
      body: {
        key: { remoteJid: `${b.number}@s.whatsapp.net`, fromMe: true, id },
        message: { extendedTextMessage: { text: b.text } },
        messageTimestamp: String(Math.floor(Date.now() / 1000)),
        status: 'PENDING',
      },
    };
  });
  return Object.assign(server, { sends, faults });
}

/** A `messages.upsert` webhook body as Evolution API v2 posts it. */
export function evolutionUpsert(options: {
  instance: string;
  remoteJid: string;
  fromMe?: boolean;
  id?: string;
  text?: string;
  pushName?: string;
  messageType?: string;
}): Record<string, unknown> {
  return {
    event: 'messages.upsert',
    instance: options.instance,
    data: {
      key: {
        remoteJid: options.remoteJid,
        fromMe: options.fromMe ?? false,
        id: options.id ?? `3EB0${randomBytes(8).toString('hex').toUpperCase()}`,
      },
      pushName: options.pushName ?? 'Maria',
      message:
        options.text !== undefined
          ? { conversation: options.text }
          : { imageMessage: { mimetype: 'image/jpeg' } },
      messageType: options.messageType ?? (options.text !== undefined ? 'conversation' : 'imageMessage'),
      messageTimestamp: Math.floor(Date.now() / 1000),
      instanceId: 'c3a1b0e2-1111-4c1e-9d7a-5b2f8e0a9c11',
      source: 'android',
    },
    destination: 'http://127.0.0.1/channels/evolution/webhook',
    date_time: new Date().toISOString(),
    sender: '5511900000000@s.whatsapp.net',
    server_url: 'http://evolution.local',
    apikey: 'instance-api-key',
  };
}
