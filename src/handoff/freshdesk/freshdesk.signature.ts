// Freshdesk signs nothing: the automation rule's "Trigger webhook" sends a custom header we choose, carrying
// FRESHDESK_WEBHOOK_SECRET, compared in constant time. (Use HTTPS: the secret travels with every request.)
import { type SignatureCheck, sameSecret } from '../desk/signature.ts';

export const FRESHDESK_SECRET_HEADER = 'x-switchboard-secret';

export function verifyFreshdeskSecret(input: { secret: string; given: string | undefined }): SignatureCheck {
  if (!input.given) return { ok: false, reason: `missing ${FRESHDESK_SECRET_HEADER} header` };
  return sameSecret(input.given, input.secret)
    ? { ok: true }
    : { ok: false, reason: `${FRESHDESK_SECRET_HEADER} is wrong: check FRESHDESK_WEBHOOK_SECRET` };
}
