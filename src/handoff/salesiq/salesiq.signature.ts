// SalesIQ signs each webhook request: `x-siqsignature` is base64(SHA256withRSA(raw body)) made with the
// portal's private key; the public key (Settings → Developers → Webhooks) verifies it. No timestamp is
// signed, so replays are caught by the inbox's event id instead.
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { SignatureCheck } from '../desk/signature.ts';

export const SALESIQ_SIGNATURE_HEADER = 'x-siqsignature';

export function salesIqPublicKey(pem: string): KeyObject {
  return createPublicKey(pem);
}

export function verifySalesIqSignature(input: {
  publicKey: KeyObject;
  signature: string | undefined;
  rawBody: Buffer;
}): SignatureCheck {
  if (!input.signature) return { ok: false, reason: `missing ${SALESIQ_SIGNATURE_HEADER} header` };
  const signature = Buffer.from(input.signature, 'base64');
  let valid = false;
  try {
    valid = signature.length > 0 && verify('sha256', input.rawBody, input.publicKey, signature);
  } catch {
    valid = false;
  }
  return valid
    ? { ok: true }
    : {
        ok: false,
        reason: `${SALESIQ_SIGNATURE_HEADER} does not match the body: check SALESIQ_WEBHOOK_PUBLIC_KEY`,
      };
}
