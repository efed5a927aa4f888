// Evolution API (Baileys) payloads ⇄ ours. Inbound: the `messages.upsert` webhook; our own messages
// (`fromMe`), groups (`…@g.us`) and broadcasts are not visitors. Outbound: the send-text body
// `{number, text}`; Baileys has no dependable buttons, so options go as numbered text.
import { z } from 'zod';
import type { ChannelInbound, OutboundMessage } from '../channel.port.ts';
import { numberedOptions, splitText } from '../outbound.text.ts';

/** WhatsApp's own text limit; Evolution passes the text through. */
export const EVOLUTION_TEXT_LIMIT = 4096;

const upsertData = z.looseObject({
  key: z.looseObject({
    remoteJid: z.string().min(1),
    fromMe: z.boolean().optional(),
    id: z.string().min(1),
  }),
  pushName: z.string().nullish(),
  messageType: z.string().optional(),
  message: z
    .looseObject({
      conversation: z.string().nullish(),
      extendedTextMessage: z.looseObject({ text: z.string().nullish() }).nullish(),
    })
    .nullish(),
});

export const evolutionWebhookSchema = z.looseObject({
  event: z.string().min(1),
  instance: z.string().optional(),
  data: z.unknown(),
});

export type EvolutionParsed =
  | { ok: true; messages: ChannelInbound[]; ignored: number }
  | { ok: false; message: string };

const UPSERT_EVENTS = new Set(['messages.upsert', 'MESSAGES_UPSERT']);

function isPersonJid(jid: string): boolean {
  return !jid.endsWith('@g.us') && !jid.endsWith('@broadcast') && !jid.endsWith('@newsletter');
}

export function phoneOfJid(jid: string): string | undefined {
  const m = /^(\d{6,15})@s\.whatsapp\.net$/.exec(jid);
  return m ? `+${m[1]}` : undefined;
}

export function parseEvolutionWebhook(body: unknown): EvolutionParsed {
  const parsed = evolutionWebhookSchema.safeParse(body);
  if (!parsed.success)
    return { ok: false, message: 'not an Evolution API webhook: expected {event, instance, data}' };
  // Other events (connection.update, messages.update …) are acknowledged and left alone.
  if (!UPSERT_EVENTS.has(parsed.data.event)) return { ok: true, messages: [], ignored: 1 };
  const items = Array.isArray(parsed.data.data) ? parsed.data.data : [parsed.data.data];
  const messages: ChannelInbound[] = [];
  let ignored = 0;
  for (const item of items) {
    const data = upsertData.safeParse(item);
    if (!data.success) {
      const issue = data.error.issues[0];
      return {
        ok: false,
        message: `messages.upsert data: ${issue ? `${issue.path.join('.') || 'data'}: ${issue.message}` : 'unreadable'}`,
      };
    }
    const { key, message, pushName } = data.data;
    if (key.fromMe === true || !isPersonJid(key.remoteJid)) {
      ignored++;
      continue;
    }
    const text = message?.conversation ?? message?.extendedTextMessage?.text ?? null;
    const phone = phoneOfJid(key.remoteJid);
    messages.push({
      channel: 'evolution',
      externalId: key.remoteJid,
      clientMessageId: key.id,
      content: typeof text === 'string' ? { text } : { unsupported: data.data.messageType ?? 'unknown' },
      profile: { ...(pushName ? { name: pushName } : {}), ...(phone ? { phone } : {}) },
    });
  }
  return { ok: true, messages, ignored };
}

export interface EvolutionSendText {
  number: string;
  text: string;
}

/** The number Evolution sends to: the jid's digits for a phone, the jid itself otherwise. */
export function evolutionNumber(remoteJid: string): string {
  return phoneOfJid(remoteJid)?.slice(1) ?? remoteJid;
}

export function toEvolutionTexts(remoteJid: string, message: OutboundMessage): EvolutionSendText[] {
  const text =
    message.role === 'operator' && message.author ? `*${message.author}:* ${message.text}` : message.text;
  const full =
    message.buttons && message.buttons.length > 0 ? `${text}\n\n${numberedOptions(message.buttons)}` : text;
  return splitText(full, EVOLUTION_TEXT_LIMIT).map((part) => ({
    number: evolutionNumber(remoteJid),
    text: part,
  }));
}
