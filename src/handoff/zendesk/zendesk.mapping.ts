// Our packet ⇄ a Zendesk ticket. Priorities map onto Zendesk's four; the whole story goes into the first
// comment (private: it includes the bot's findings, not only what the visitor wrote); tags and optional
// custom fields make the ticket searchable; `external_id` ties it back to the handoff.
import type { Priority } from '../../detection/detection.types.ts';
import { describePacket, type HandoffPacket } from '../packet.ts';

export const ZENDESK_PRIORITY: Record<Priority, 'low' | 'normal' | 'high' | 'urgent'> = {
  low: 'low',
  medium: 'normal',
  high: 'high',
  urgent: 'urgent',
};

/** Which packet facts go into which Zendesk custom field ids (from the routing file). */
export interface ZendeskFieldMap {
  category?: number;
  sentiment?: number;
  journeyStage?: number;
  ticketNumber?: number;
  sessionId?: number;
}

export interface ZendeskTicketRequest {
  ticket: {
    subject: string;
    comment: { body: string; public: boolean };
    priority: 'low' | 'normal' | 'high' | 'urgent';
    type?: 'question' | 'incident' | 'problem' | 'task';
    tags: string[];
    external_id: string;
    requester?: { name: string; email: string };
    group_id?: number;
    custom_fields?: Array<{ id: number; value: string }>;
  };
}

export function zendeskTag(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_:-]+/g, '_');
}

export function subjectLine(packet: HandoffPacket): string {
  const kind = packet.channel === 'callback' ? 'Callback request: ' : '';
  return `${packet.ticketNumber ? `[${packet.ticketNumber}] ` : ''}${kind}${packet.subject}`;
}

export function toZendeskTicket(
  packet: HandoffPacket,
  options: { groupId?: number; fields?: ZendeskFieldMap },
): ZendeskTicketRequest {
  const fields = options.fields ?? {};
  const values: Array<[number | undefined, string | null]> = [
    [fields.category, packet.category],
    [fields.sentiment, packet.sentiment.label],
    [fields.journeyStage, packet.journeyStage],
    [fields.ticketNumber, packet.ticketNumber],
    [fields.sessionId, packet.sessionId],
  ];
  const customFields = values.flatMap(([id, value]) => (id !== undefined && value ? [{ id, value }] : []));
  const email = packet.visitor.email;
  return {
    ticket: {
      subject: subjectLine(packet),
      comment: { body: describePacket(packet), public: false },
      priority: ZENDESK_PRIORITY[packet.priority],
      type: packet.channel === 'callback' ? 'task' : 'question',
      tags: [
        'switchboard',
        zendeskTag(`channel_${packet.channel}`),
        zendeskTag(`category_${packet.category ?? 'other'}`),
        zendeskTag(`sentiment_${packet.sentiment.label}`),
        ...packet.triggers.map((t) => zendeskTag(t)),
      ],
      external_id: packet.handoffKey,
      ...(email ? { requester: { name: packet.visitor.name ?? email, email } } : {}),
      ...(options.groupId !== undefined ? { group_id: options.groupId } : {}),
      ...(customFields.length > 0 ? { custom_fields: customFields } : {}),
    },
  };
}
