// How the console words things for an operator: states, visitors, times, labels. Pure functions.
import { hasEnded } from '../../machines/conversation.ended.ts';

export { hasEnded };

export const shortId = (id: string) => id.slice(0, 8);
export const clock = (iso: string) =>
  new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
export const label = (s: string | null | undefined) => (s ? s.replace(/_/g, ' ') : '—');
export const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** Only web links from a vendor's answer become clickable (never javascript: or data: URLs). */
export const webLink = (url: string | null) => (url && /^https?:\/\//i.test(url) ? url : null);

/** What a conversation's state means to an operator (never `escalated.queued` or `issue_gathering`). */
const STATE_NAMES: Record<string, string> = {
  greeting: 'Bot: greeting',
  issue_gathering: 'Bot: asking about the problem',
  troubleshooting: 'Bot: troubleshooting',
  awaiting_confirmation: 'Bot: checking the fix worked',
  resolved: 'Resolved by the bot',
  escalation_options: 'Bot: offering a person',
  escalated: 'Handed to a person',
  'escalated.queued': 'Waiting for an agent',
  'escalated.assigned': 'With an agent',
  'escalated.closed': 'Resolved',
  callback_collection: 'Bot: taking callback details',
  callback_scheduled: 'Callback scheduled',
  ticket_collection: 'Bot: taking ticket details',
  ticket_created: 'Ticket opened',
  ticket_answered: 'Ticket answered: the requester writes to it',
  ticket_solved: 'Ticket solved',
};
export function stateName(state: string): string {
  return STATE_NAMES[state] ?? cap(label(state).replace(/\./g, ': '));
}

/** A visitor is called by what they told us, never by a hash. */
export function visitorName(visitor: Record<string, string>): string {
  return visitor.name ?? visitor.email ?? visitor.phone ?? 'Anonymous visitor';
}

/** The visitor's newest line of a handoff summary ("Visitor: …"), for the queue's subject line. */
export function lastVisitorLine(summary: string): string {
  const lines = summary.split('\n');
  const visitor = [...lines].reverse().find((l) => /^visitor:/i.test(l));
  return (visitor ?? lines.at(-1) ?? '').replace(/^\w+:\s*/, '');
}
