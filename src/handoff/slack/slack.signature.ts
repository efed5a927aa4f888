// Verifies that a request really comes from Slack: X-Slack-Signature is "v0=" + HMAC-SHA256 of
// "v0:{X-Slack-Request-Timestamp}:{raw body}" with the app's signing secret, and the timestamp must be
// within five minutes (a captured request cannot be replayed later).
import { createHmac } from 'node:crypto';
import { freshTimestamp, type SignatureCheck, sameSecret } from '../desk/signature.ts';

export const SLACK_TOLERANCE_SECONDS = 5 * 60;

export function slackSignature(signingSecret: string, timestamp: string, rawBody: string | Buffer): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}

export function verifySlackSignature(input: {
  signingSecret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: Buffer;
  nowSeconds: number;
  toleranceSeconds?: number;
}): SignatureCheck {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) {
    return { ok: false, reason: 'missing X-Slack-Request-Timestamp or X-Slack-Signature header' };
  }
  if (!/^\d+$/.test(timestamp)) return { ok: false, reason: 'X-Slack-Request-Timestamp is not a Unix time' };
  const fresh = freshTimestamp(
    Number(timestamp),
    input.nowSeconds,
    input.toleranceSeconds ?? SLACK_TOLERANCE_SECONDS,
    'request timestamp',
  );
  if (!fresh.ok) return fresh;
  if (!sameSecret(signature, slackSignature(input.signingSecret, timestamp, input.rawBody))) {
    return { ok: false, reason: 'X-Slack-Signature does not match the body: check SLACK_SIGNING_SECRET' };
  }
  return { ok: true };
}
