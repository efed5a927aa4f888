// Environment of the work-item side: e-mail to requesters (SMTP through nodemailer) and the service
// escalation API's shared secret. Parsed with the rest of the environment (src/config/env.ts).
import { z } from 'zod';
import { blankIsUnset } from '../../config/env.groups.ts';

export const workEnvShape = {
  /** smtp://user:pass@host:587 or smtps://…:465; unset = no e-mail (replies to offline requesters wait). */
  SMTP_URL: blankIsUnset(
    z
      .string()
      .url()
      .refine((v) => /^smtps?:\/\//.test(v), { message: 'must start with smtp:// or smtps://' }),
  ),
  MAIL_FROM: z.string().min(3).default('Switchboard support <support@localhost>'),
  /** Shared secret of POST /api/support/escalate (X-Service-Token); unset = that API is off. */
  SERVICE_SECRET: blankIsUnset(z.string().min(16, 'at least 16 characters')),
};

type WorkEnv = z.infer<z.ZodObject<typeof workEnvShape>>;

export function workConfig(env: WorkEnv) {
  return {
    mail: env.SMTP_URL ? { url: env.SMTP_URL, from: env.MAIL_FROM } : null,
    serviceSecret: env.SERVICE_SECRET ?? null,
  };
}
