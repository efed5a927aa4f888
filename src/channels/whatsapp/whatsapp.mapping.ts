// WhatsApp Cloud API payloads ⇄ ours. Inbound: a webhook's `entry[].changes[].value` becomes visitor
// messages (text, a reply-button or list press, or an unsupported type) and delivery statuses. Outbound:
// one OutboundMessage becomes one or more Graph `messages` bodies, within WhatsApp's limits (4096 characters
// of text, 1024 of an interactive body; at most 3 reply buttons with unique titles of at most 20
// characters, else a list of at most 10 rows, else numbered text), so every state's buttons still work.
import { z } from 'zod';
import type { PublicButton } from '../../engine/turn.types.ts';
import type { ChannelInbound, OutboundMessage } from '../channel.port.ts';
import { buttonTitle, numberedOptions, splitText } from '../outbound.text.ts';

export const WHATSAPP_TEXT_LIMIT = 4096;
export const WHATSAPP_INTERACTIVE_BODY_LIMIT = 1024;
export const WHATSAPP_MAX_REPLY_BUTTONS = 3;
export const WHATSAPP_BUTTON_TITLE_LIMIT = 20;
export const WHATSAPP_MAX_LIST_ROWS = 10;
export const WHATSAPP_LIST_ROW_TITLE_LIMIT = 24;
export const WHATSAPP_LIST_ROW_DESCRIPTION_LIMIT = 72;
export const WHATSAPP_BUTTON_ID_LIMIT = 256;

const messageSchema = z.looseObject({
  from: z.string().min(1),
  id: z.string().min(1),
  timestamp: z.string().optional(),
  type: z.string().min(1),
  text: z.looseObject({ body: z.string() }).optional(),
  interactive: z
    .looseObject({
      type: z.string(),
      button_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
    })
    .optional(),
  // The visitor tapped a quick-reply button of a template message: its payload is what they chose.
  button: z.looseObject({ payload: z.string().optional(), text: z.string() }).optional(),
});

const statusSchema = z.looseObject({
  id: z.string().min(1),
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  timestamp: z.string().optional(),
  recipient_id: z.string().optional(),
  errors: z
    .array(
      z.looseObject({
        code: z.number().optional(),
        title: z.string().optional(),
        message: z.string().optional(),
      }),
    )
    .optional(),
});

const valueSchema = z.looseObject({
  messaging_product: z.literal('whatsapp').optional(),
  metadata: z.looseObject({ phone_number_id: z.string().optional() }).optional(),
  contacts: z
    .array(z.looseObject({ wa_id: z.string(), profile: z.looseObject({ name: z.string() }).optional() }))
    .optional(),
  messages: z.array(messageSchema).optional(),
  statuses: z.array(statusSchema).optional(),
});

export const whatsAppWebhookSchema = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.looseObject({
      id: z.string().optional(),
      changes: z.array(z.looseObject({ field: z.string().optional(), value: valueSchema })),
    }),
  ),
});

export interface WhatsAppStatus {
  /** The `wamid…` of our outbound message. */
  messageId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  recipient: string | null;
  at: string;
  errorCode: number | null;
  errorTitle: string | null;
}

export interface WhatsAppWebhookContent {
  messages: ChannelInbound[];
  statuses: WhatsAppStatus[];
}

/** WhatsApp ids are the number's digits without `+`; we keep phones in E.164. */
export function waIdToE164(waId: string): string {
  return `+${waId.replace(/\D/g, '')}`;
}

export function e164ToWaId(phone: string): string {
  return phone.replace(/\D/g, '');
}

function secondsToIso(seconds: string | undefined): string {
  const n = Number(seconds);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000).toISOString() : new Date().toISOString();
}

function contentOf(message: z.infer<typeof messageSchema>): ChannelInbound['content'] {
  if (message.type === 'text' && message.text) return { text: message.text.body };
  if (message.type === 'interactive' && message.interactive) {
    const reply = message.interactive.button_reply ?? message.interactive.list_reply;
    if (reply) return { button: reply.id };
  }
  if (message.type === 'button' && message.button) return { text: message.button.text };
  return { unsupported: message.type };
}

export type ParsedWebhook = { ok: true; content: WhatsAppWebhookContent } | { ok: false; message: string };

export function parseWhatsAppWebhook(body: unknown): ParsedWebhook {
  const parsed = whatsAppWebhookSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      message: `not a WhatsApp Business webhook: ${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unreadable'}`,
    };
  }
  const messages: ChannelInbound[] = [];
  const statuses: WhatsAppStatus[] = [];
  for (const entry of parsed.data.entry) {
    for (const change of entry.changes) {
      const value = change.value;
      const names = new Map((value.contacts ?? []).map((c) => [c.wa_id, c.profile?.name]));
      for (const message of value.messages ?? []) {
        const phone = waIdToE164(message.from);
        const name = names.get(message.from);
        messages.push({
          channel: 'whatsapp',
          externalId: phone,
          clientMessageId: message.id,
          content: contentOf(message),
          profile: { phone, ...(name ? { name } : {}) },
        });
      }
      for (const status of value.statuses ?? []) {
        const error = status.errors?.[0];
        statuses.push({
          messageId: status.id,
          status: status.status,
          recipient: status.recipient_id ? waIdToE164(status.recipient_id) : null,
          at: secondsToIso(status.timestamp),
          errorCode: error?.code ?? null,
          errorTitle: error?.title ?? error?.message ?? null,
        });
      }
    }
  }
  return { ok: true, content: { messages, statuses } };
}

export type GraphMessage = {
  messaging_product: 'whatsapp';
  recipient_type: 'individual';
  to: string;
} & (
  | { type: 'text'; text: { body: string; preview_url: boolean } }
  | {
      type: 'interactive';
      interactive:
        | {
            type: 'button';
            body: { text: string };
            action: { buttons: Array<{ type: 'reply'; reply: { id: string; title: string } }> };
          }
        | {
            type: 'list';
            body: { text: string };
            action: {
              button: string;
              sections: Array<{
                title?: string;
                rows: Array<{ id: string; title: string; description?: string }>;
              }>;
            };
          };
    }
);

function truncate(text: string, limit: number): string {
  const chars = [...text];
  return chars.length <= limit ? text : `${chars.slice(0, limit - 1).join('')}…`;
}

const length = (s: string) => [...s].length;

/** Reply buttons when at most 3 fit with unique titles of ≤ 20 characters; null when they cannot. */
function replyButtons(buttons: PublicButton[]) {
  if (buttons.length > WHATSAPP_MAX_REPLY_BUTTONS) return null;
  const titles = buttons.map((b) => {
    const withEmoji = buttonTitle(b);
    return length(withEmoji) <= WHATSAPP_BUTTON_TITLE_LIMIT ? withEmoji : b.label;
  });
  if (titles.some((t) => length(t) > WHATSAPP_BUTTON_TITLE_LIMIT || t.trim() === '')) return null;
  if (new Set(titles).size !== titles.length) return null;
  if (buttons.some((b) => b.id.length > WHATSAPP_BUTTON_ID_LIMIT)) return null;
  return buttons.map((b, i) => ({
    type: 'reply' as const,
    reply: { id: b.id, title: titles[i] ?? b.label },
  }));
}

function listRows(buttons: PublicButton[]) {
  if (buttons.length > WHATSAPP_MAX_LIST_ROWS) return null;
  if (buttons.some((b) => b.id.length > WHATSAPP_BUTTON_ID_LIMIT)) return null;
  return buttons.map((b) => {
    const full = buttonTitle(b);
    if (length(full) <= WHATSAPP_LIST_ROW_TITLE_LIMIT) return { id: b.id, title: full };
    return {
      id: b.id,
      title: truncate(b.label, WHATSAPP_LIST_ROW_TITLE_LIMIT),
      description: truncate(b.label, WHATSAPP_LIST_ROW_DESCRIPTION_LIMIT),
    };
  });
}

/** The text an operator's message carries on WhatsApp: their name first, in WhatsApp's bold. */
export function outboundText(message: OutboundMessage): string {
  return message.role === 'operator' && message.author
    ? `*${message.author}:* ${message.text}`
    : message.text;
}

/** The Graph message bodies that show `message` to the WhatsApp user `to` (E.164 or digits), in order. */
export function toGraphMessages(to: string, message: OutboundMessage): GraphMessage[] {
  const base = {
    messaging_product: 'whatsapp' as const,
    recipient_type: 'individual' as const,
    to: e164ToWaId(to),
  };
  const textMessage = (body: string): GraphMessage => ({
    ...base,
    type: 'text',
    text: { body, preview_url: false },
  });
  const text = outboundText(message);
  const buttons = message.buttons ?? [];
  if (buttons.length === 0) return splitText(text, WHATSAPP_TEXT_LIMIT).map(textMessage);

  // With buttons, the last part of the text is the interactive message's body (≤ 1024); what does not
  // fit goes first as plain text.
  const parts = splitText(text, WHATSAPP_TEXT_LIMIT);
  const last = parts.at(-1) ?? '';
  const leading = length(last) <= WHATSAPP_INTERACTIVE_BODY_LIMIT ? parts.slice(0, -1) : parts;
  const body = length(last) <= WHATSAPP_INTERACTIVE_BODY_LIMIT && last.trim() !== '' ? last : 'Choose one:';
  const out = leading.map(textMessage);
  const reply = replyButtons(buttons);
  if (reply) {
    out.push({
      ...base,
      type: 'interactive',
      interactive: { type: 'button', body: { text: body }, action: { buttons: reply } },
    });
    return out;
  }
  const rows = listRows(buttons);
  if (rows) {
    out.push({
      ...base,
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: body },
        action: { button: 'Options', sections: [{ rows }] },
      },
    });
    return out;
  }
  out.push(textMessage(`${body}\n\n${numberedOptions(buttons)}`));
  return out;
}
