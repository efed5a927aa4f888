// Signs Zobot webhook requests the way SalesIQ does: an RSA key pair made in the test, `x-siqsignature` =
// base64(SHA256withRSA(private key, raw body)); the server under test gets the public key as PEM.
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

export interface ZobotSigner {
  publicKeyPem: string;
  sign(raw: string): string;
  post(
    url: string,
    body: unknown,
    options?: { signature?: string | null },
  ): Promise<{ status: number; body: any; raw: string }>;
}

export function createZobotSigner(): ZobotSigner {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signWith = (key: KeyObject, raw: string) =>
    sign('sha256', Buffer.from(raw, 'utf8'), key).toString('base64');
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (raw) => signWith(privateKey, raw),
    async post(url, body, options = {}) {
      const raw = JSON.stringify(body);
      const signature = options.signature === undefined ? signWith(privateKey, raw) : options.signature;
      const res = await fetch(`${url}/channels/salesiq/zobot`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(signature ? { 'x-siqsignature': signature } : {}),
        },
        body: raw,
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: res.status, body: parsed, raw };
    },
  };
}

/** A Zobot request body as SalesIQ sends it. */
export function zobotRequest(options: {
  handler: 'trigger' | 'message' | 'context';
  conversationId: string;
  visitorId?: string;
  text?: string;
  operation?: 'chat' | 'message';
  requestId?: string;
}): Record<string, unknown> {
  return {
    handler: options.handler,
    ...(options.operation ? { operation: options.operation } : {}),
    org_id: '60004771111',
    visitor: {
      id: options.visitorId ?? `${options.conversationId}_v`,
      active_conversation_id: options.conversationId,
      name: 'Visitor 42',
      email: 'visitor42@example.com',
      channel: 'Website',
      browser: 'Chrome',
      language: 'en',
      time_zone: 'Europe/London',
    },
    ...(options.text !== undefined ? { message: { text: options.text } } : {}),
    request: { id: options.requestId ?? `${Date.now()}${Math.floor(Math.random() * 1e6)}`, time: Date.now() },
    attachments: [],
  };
}
