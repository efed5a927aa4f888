// Webhook authenticity checks, done on the raw body before anything parses it: Meta's HMAC-SHA256
// (`X-Hub-Signature-256: sha256=<hex>`), SalesIQ's RSA signature (`x-siqsignature`, SHA256withRSA, base64)
// and a shared token (Evolution API signs nothing). Every comparison is timing-safe.
import {
  createHash,
  createHmac,
  createPublicKey,
  type KeyObject,
  timingSafeEqual,
  verify,
} from 'node:crypto';

/** Equal strings, compared in time independent of where they differ (hashed first, so lengths are hidden too). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function metaSignature(appSecret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

export function verifyMetaSignature(appSecret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (!header || !/^sha256=[0-9a-f]{64}$/i.test(header.trim())) return false;
  const expected = Buffer.from(metaSignature(appSecret, rawBody).slice('sha256='.length), 'hex');
  const given = Buffer.from(header.trim().slice('sha256='.length).toLowerCase(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A PEM (or its bare base64 body, as SalesIQ's settings page shows it) as a public key. */
export function salesIqPublicKey(pemOrBase64: string): KeyObject {
  const text = pemOrBase64.includes('-----BEGIN')
    ? pemOrBase64
    : `-----BEGIN PUBLIC KEY-----\n${pemOrBase64.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n')}\n-----END PUBLIC KEY-----`;
  return createPublicKey(text);
}

export function verifySalesIqSignature(key: KeyObject, rawBody: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const signature = Buffer.from(header.trim(), 'base64');
  if (signature.length === 0) return false;
  try {
    return verify('sha256', rawBody, key, signature);
  } catch {
    return false;
  }
}
