// Our packet ⇄ a Freshdesk ticket: priority 1–4, status 2 (open), source 7 (chat), an HTML description,
// the requester by e-mail, phone or our session id, and a tag derived from the handoff key so that a retry
// after an unanswered attempt can search for the ticket that attempt may have created.
import { createHash } from 'node:crypto';
import type { Priority } from '../../detection/detection.types.ts';
import { describePacket, type HandoffPacket } from '../packet.ts';
import { subjectLine } from '../zendesk/zendesk.mapping.ts';

export const FRESHDESK_PRIORITY: Record<Priority, 1 | 2 | 3 | 4> = { low: 1, medium: 2, high: 3, urgent: 4 };
export const FRESHDESK_STATUS_OPEN = 2;
export const FRESHDESK_SOURCE_CHAT = 7;

export interface FreshdeskTicketRequest {
  subject: string;
  description: string;
  priority: 1 | 2 | 3 | 4;
  status: number;
  source: number;
  tags: string[];
  name?: string;
  email?: string;
  phone?: string;
  unique_external_id?: string;
  group_id?: number;
  custom_fields?: Record<string, string>;
}

/** Which packet facts go into which Freshdesk custom fields (`cf_…` names, from the routing file). */
export interface FreshdeskFieldMap {
  category?: string;
  sentiment?: string;
  journeyStage?: string;
  ticketNumber?: string;
  sessionId?: string;
}

/** Short (Freshdesk limits tag length), stable, and unique per handoff. */
export function handoffTag(handoffKey: string): string {
  return `sb-${createHash('sha256').update(handoffKey).digest('hex').slice(0, 16)}`;
}

export function html(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '<br>');
}

export function toFreshdeskTicket(
  packet: HandoffPacket,
  options: { groupId?: number; fields?: FreshdeskFieldMap },
): FreshdeskTicketRequest {
  const v = packet.visitor;
  const fields = options.fields ?? {};
  const values: Array<[string | undefined, string | null]> = [
    [fields.category, packet.category],
    [fields.sentiment, packet.sentiment.label],
    [fields.journeyStage, packet.journeyStage],
    [fields.ticketNumber, packet.ticketNumber],
    [fields.sessionId, packet.sessionId],
  ];
  const custom = Object.fromEntries(
    values.flatMap(([name, value]) => (name && value ? [[name, value]] : [])),
  );
  // Freshdesk needs a requester: e-mail, else phone (with a name), else our session id as external id.
  const requester = v.email
    ? { email: v.email, ...(v.name ? { name: v.name } : {}) }
    : v.phone
      ? { phone: v.phone, name: v.name ?? 'Website visitor' }
      : { unique_external_id: packet.sessionId, name: v.name ?? 'Website visitor' };
  return {
    subject: subjectLine(packet),
    description: html(describePacket(packet)),
    priority: FRESHDESK_PRIORITY[packet.priority],
    status: FRESHDESK_STATUS_OPEN,
    source: FRESHDESK_SOURCE_CHAT,
    tags: [
      'switchboard',
      `channel-${packet.channel}`,
      `category-${packet.category ?? 'other'}`,
      handoffTag(packet.handoffKey),
    ],
    ...requester,
    ...(options.groupId !== undefined ? { group_id: options.groupId } : {}),
    ...(Object.keys(custom).length > 0 ? { custom_fields: custom } : {}),
  };
}
