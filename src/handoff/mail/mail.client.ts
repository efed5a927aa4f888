// E-mail to a requester who is not in a live conversation (a ticket reply), over SMTP with nodemailer.
// One send is one attempt with a timeout; the caller records the outcome on the reply it belongs to.
import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Threads the reply under the first message in the requester's mail client. */
  references?: string;
}

export type MailResult = { outcome: 'sent'; messageId: string } | { outcome: 'failed'; error: string };

export interface Mailer {
  send(message: MailMessage): Promise<MailResult>;
  close(): void;
}

export function createSmtpMailer(options: { url: string; from: string; timeoutMs?: number }): Mailer {
  const timeout = options.timeoutMs ?? 10_000;
  const url = new URL(options.url);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
    secure: url.protocol === 'smtps:',
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async send(message) {
      try {
        const info = await transport.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.references ? { references: message.references, inReplyTo: message.references } : {}),
        });
        return { outcome: 'sent', messageId: String(info.messageId) };
      } catch (error) {
        return { outcome: 'failed', error: error instanceof Error ? error.message : String(error) };
      }
    },
    close() {
      transport.close();
    },
  };
}
