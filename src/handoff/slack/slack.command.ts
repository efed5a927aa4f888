// The `/switchboard` slash command (Slack does not allow slash commands inside threads, so this is how a
// Slack agent finds the cases): lists the open escalations, most urgent first, with links to the Slack
// thread and the helpdesk ticket of each. Answered directly (ephemeral), well inside Slack's 3 seconds.
import type { DeskRecords } from '../desk/desk.records.ts';
import { mrkdwn } from './slack.mapping.ts';

export const SLACK_COMMAND = '/switchboard';

/** A Slack permalink that works without knowing the workspace's domain. */
export function threadLink(externalId: string): string | null {
  const [channel, ts] = externalId.split(':');
  return channel && ts ? `https://slack.com/archives/${channel}/p${ts.replace('.', '')}` : null;
}

function waited(since: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - since.getTime()) / 60_000));
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export async function openCasesMessage(records: DeskRecords, now: Date, consoleUrl: string | null) {
  const cases = await records.openCases(20);
  if (cases.length === 0) return { response_type: 'ephemeral', text: 'No open cases. 🎉' };
  const lines = cases.map((c) => {
    const links = c.deliveries.flatMap((d) => {
      if (d.target === 'slack' && d.externalId) {
        const link = threadLink(d.externalId);
        return link ? [`<${link}|thread>`] : [];
      }
      if ((d.target === 'zendesk' || d.target === 'freshdesk') && d.externalUrl)
        return [
          `<${d.externalUrl}|${d.target === 'zendesk' ? 'Zendesk' : 'Freshdesk'} #${d.externalId}>${d.deskStatus ? ` ${d.deskStatus}` : ''}`,
        ];
      return [];
    });
    const who = c.assignedTo ? ` · ${mrkdwn(c.assignedTo)}` : ' · waiting';
    return `• *${mrkdwn(c.subject ?? 'Support request')}* (${c.priority}, ${c.channel.replace('_', ' ')})${who} · ${waited(c.createdAt, now)}${links.length ? ` · ${links.join(' · ')}` : ''}\n   Session \`${c.conversationId}\``;
  });
  return {
    response_type: 'ephemeral',
    text: `${cases.length} open case${cases.length === 1 ? '' : 's'}${consoleUrl ? ` (<${consoleUrl}|console>)` : ''}:\n${lines.join('\n')}`,
  };
}
