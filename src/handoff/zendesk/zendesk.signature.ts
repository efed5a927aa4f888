// Zendesk signs webhook requests: X-Zendesk-Webhook-Signature = base64(HMAC-SHA256(signing secret,
// X-Zendesk-Webhook-Signature-Timestamp + raw body)). The timestamp (ISO 8601) must be within five minutes.
import { createHmac } from 'node:crypto';
import { freshTimestamp, type SignatureCheck, sameSecret } from '../desk/signature.ts';

export const ZENDESK_SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
export const ZENDESK_TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';
export const ZENDESK_TOLERANCE_SECONDS = 5 * 60;

export function zendeskSignature(secret: string, timestamp: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(timestamp).update(rawBody).digest('base64');
}

export function verifyZendeskSignature(input: {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: Buffer;
  nowSeconds: number;
}): SignatureCheck {
  const { timestamp, signature } = input;
  if (!timestamp || !signature)
    return { ok: false, reason: `missing ${ZENDESK_TIMESTAMP_HEADER} or ${ZENDESK_SIGNATURE_HEADER} header` };
  const fresh = freshTimestamp(
    Date.parse(timestamp) / 1000,
    input.nowSeconds,
    ZENDESK_TOLERANCE_SECONDS,
    ZENDESK_TIMESTAMP_HEADER,
  );
  if (!fresh.ok) return fresh;
  return sameSecret(signature, zendeskSignature(input.secret, timestamp, input.rawBody))
    ? { ok: true }
    : {
        ok: false,
        reason: `${ZENDESK_SIGNATURE_HEADER} does not match the body: check ZENDESK_WEBHOOK_SECRET`,
      };
}
