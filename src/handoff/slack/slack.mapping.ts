// Our packet ⇄ a Slack message: a header with the subject, the facts as fields, the last messages, and a
// "Take case" button whose value is the session id (the interaction endpoint assigns the case).
import { cut, type HandoffPacket } from '../packet.ts';

export const TAKE_CASE_ACTION = 'take_case';

export function mrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const ROLE: Record<string, string> = { visitor: 'Visitor', bot: 'Bot', operator: 'Agent', system: 'System' };

export interface SlackMessageRequest {
  channel: string;
  text: string;
  blocks?: unknown[];
  unfurl_links: false;
  /** A reply in the case's thread (the escalation notice is the thread's first message). */
  thread_ts?: string;
  /** A thread reply also shown in the channel. */
  reply_broadcast?: boolean;
}

/** A line in the case's thread: a visitor message mirrored, or what happened to the case. */
export function toThreadMessage(channel: string, threadTs: string, text: string): SlackMessageRequest {
  return { channel, thread_ts: threadTs, text: cutKeepingLines(text, 3900), unfurl_links: false };
}

export function toSlackMessage(
  packet: HandoffPacket,
  options: { channel: string; links?: Array<{ label: string; url: string }> },
): SlackMessageRequest {
  const channelName = { instant_chat: 'Live chat', callback: 'Callback', ticket: 'Ticket' }[packet.channel];
  const summary = packet.summary.map((l) => `*${ROLE[l.role] ?? l.role}:* ${mrkdwn(l.text)}`).join('\n');
  const context = [
    packet.ticketNumber ? `Ticket ${packet.ticketNumber}` : null,
    packet.visitor.phone ? `Phone ${mrkdwn(packet.visitor.phone)}` : null,
    packet.visitor.callbackWindow ? `Call back ${mrkdwn(packet.visitor.callbackWindow)}` : null,
    ...(options.links ?? []).map((l) => `<${l.url}|${mrkdwn(l.label)}>`),
    `Session ${packet.sessionId}`,
  ].filter((x): x is string => x !== null);
  return {
    channel: options.channel,
    text: `${packet.subject} (${packet.priority}, ${channelName})`,
    unfurl_links: false,
    blocks: [
      {
        type: 'header',
        text: {
          type: 'plain_text',
          text: cut(`${packet.priority === 'urgent' ? '🚨 ' : ''}${packet.subject}`, 150),
        },
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Priority*\n${packet.priority}` },
          { type: 'mrkdwn', text: `*Channel*\n${channelName}` },
          { type: 'mrkdwn', text: `*Category*\n${mrkdwn(packet.categoryLabel)}` },
          {
            type: 'mrkdwn',
            text: `*Sentiment*\n${packet.sentiment.label} (${packet.sentiment.score.toFixed(2)})`,
          },
        ],
      },
      ...(summary
        ? [{ type: 'section', text: { type: 'mrkdwn', text: cutKeepingLines(summary, 2900) } }]
        : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: cut(context.join(' · '), 2900) }] },
      {
        type: 'actions',
        block_id: 'switchboard_handoff',
        elements: [
          {
            type: 'button',
            action_id: TAKE_CASE_ACTION,
            text: { type: 'plain_text', text: 'Take case' },
            style: 'primary',
            value: packet.sessionId,
          },
        ],
      },
    ],
  };
}

function cutKeepingLines(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The SLA reminder: who has waited how long, for what; the session id finds the case in the console. */
export function slaReminderText(
  packet: Pick<HandoffPacket, 'createdAt' | 'subject' | 'priority' | 'sessionId'>,
  at: string,
): string {
  const minutes = Math.max(0, Math.round((Date.parse(at) - Date.parse(packet.createdAt)) / 60_000));
  return `:alarm_clock: *Still waiting:* a visitor has been in the live-chat queue for ${minutes} min: ${mrkdwn(packet.subject)} (${packet.priority}). Take the case in the console (session \`${packet.sessionId}\`).`;
}
