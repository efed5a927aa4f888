// What the CRM hears of a conversation, from the frozen handoff packet: the person (name, e-mail, phone,
// channel) and one note per handover and per resolution. Built here, not in an adapter, so every CRM
// gets the same story.
import type { CrmNote, CrmPerson } from './crm.port.ts';
import type { HandoffPacket } from './packet.ts';

const HANDOFF_LABEL: Record<HandoffPacket['channel'], string> = {
  instant_chat: 'live chat',
  callback: 'callback',
  ticket: 'ticket',
};

/** The person a packet is about; null when there is neither an e-mail nor a phone to key a contact on. */
export function crmPersonOf(packet: HandoffPacket): CrmPerson | null {
  const email = packet.visitor.email?.trim() || undefined;
  const phone = packet.visitor.phone?.trim() || packet.source?.phone || undefined;
  if (!email && !phone) return null;
  const name = packet.visitor.name?.trim() || undefined;
  return {
    ...(name ? { name } : {}),
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
    channel: packet.source?.type ?? 'web',
  };
}

export function handoverNote(packet: HandoffPacket): CrmNote {
  const lines = [
    `Reason: ${packet.reason ?? (packet.triggers.join(', ') || 'visitor asked for a human')}`,
    `Category: ${packet.categoryLabel} · Priority: ${packet.priority} · Sentiment: ${packet.sentiment.label}`,
    `Channel: ${packet.source?.type ?? 'web'}${packet.ticketNumber ? ` · Ticket ${packet.ticketNumber}` : ''}`,
    packet.visitor.callbackWindow ? `Call back: ${packet.visitor.callbackWindow}` : null,
    packet.visitor.description ? `Description: ${packet.visitor.description}` : null,
    packet.stepsTried.length > 0 ? `Already tried: ${packet.stepsTried.join('; ')}` : null,
    ...packet.summary.map((l) => `${l.role}: ${l.text}`),
  ];
  return {
    key: packet.handoffKey,
    kind: 'handover',
    at: packet.createdAt,
    title: `Handover to ${HANDOFF_LABEL[packet.channel]}: ${packet.subject}`,
    lines: lines.filter((l): l is string => l !== null),
  };
}

export interface Resolution {
  /** The resolving effect's idempotency key. */
  key: string;
  at: string;
  agentId?: string;
  notes?: string;
  resolutionCategory?: string;
}

export function resolutionNote(packet: HandoffPacket, resolution: Resolution): CrmNote {
  const lines = [
    `Resolved${resolution.agentId ? ` by ${resolution.agentId}` : ''} (${packet.categoryLabel})`,
    resolution.resolutionCategory ? `Resolution: ${resolution.resolutionCategory}` : null,
    resolution.notes ? `Notes: ${resolution.notes}` : null,
    `Handover: ${packet.handoffKey}`,
  ];
  return {
    key: resolution.key,
    kind: 'resolution',
    at: resolution.at,
    title: `Resolved: ${packet.subject}`,
    lines: lines.filter((l): l is string => l !== null),
  };
}
