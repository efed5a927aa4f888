// Verifies that a request really comes from Slack: X-Slack-Signature is "v0=" + HMAC-SHA256 of
// "v0:{X-Slack-Request-Timestamp}:{raw body}" with the app's signing secret, and the timestamp must be
// within five minutes (a captured request cannot be replayed later).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SLACK_TOLERANCE_SECONDS = 5 * 60;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

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
  const age = Math.abs(input.nowSeconds - Number(timestamp));
  if (age > (input.toleranceSeconds ?? SLACK_TOLERANCE_SECONDS)) {
    return {
      ok: false,
      reason: `the request timestamp is ${Math.round(age)} s away from now (limit 300 s): replayed or clock skew`,
    };
  }
  const expected = Buffer.from(slackSignature(input.signingSecret, timestamp, input.rawBody));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'X-Slack-Signature does not match the body: check SLACK_SIGNING_SECRET' };
  }
  return { ok: true };
}
