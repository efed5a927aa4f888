// Freshdesk automation-rule webhooks → desk events. Freshdesk sends the JSON body the rule defines (the
// README gives the template): {ticket_id, status, latest_public_comment, agent_name, updated_at, event}.
// `status` comes as the number (2 open, 3 pending, 4 resolved, 5 closed) or its name. Freshdesk gives no
// event id, so one is derived from the content: the same delivery twice is the same event.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { WebhookParse } from '../desk/desk-webhook.route.ts';
import type { DeskTicketStatus } from '../desk-event.port.ts';

const id = z.union([z.string().regex(/^\d+$/), z.number().int()]).transform(String);

export function freshdeskStatus(raw: string | number): DeskTicketStatus | null {
  const value = String(raw).trim().toLowerCase();
  switch (value) {
    case '2':
    case 'open':
      return 'open';
    case '3':
    case 'pending':
    case 'waiting on customer':
    case 'waiting on third party':
      return 'pending';
    case '4':
    case 'resolved':
      return 'solved';
    case '5':
    case 'closed':
      return 'closed';
    default:
      return null;
  }
}

const body = z.object({
  ticket_id: id,
  event: z.enum(['status_changed', 'agent_replied']).optional(),
  status: z.union([z.string(), z.number()]).optional(),
  latest_public_comment: z.string().optional(),
  agent_name: z.string().optional(),
  updated_at: z.string().optional(),
});

const digest = (parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);

/** Placeholders Freshdesk left unfilled render as empty strings; treat them as absent. */
const filled = (v: string | undefined) => (v && v.trim() !== '' ? v : undefined);

export function parseFreshdeskWebhook(json: unknown): WebhookParse {
  const b = body.safeParse(json);
  if (!b.success)
    return {
      kind: 'invalid',
      message:
        'expected the Freshdesk rule body from the README: {"ticket_id": "{{ticket.id}}", "status": "{{ticket.status}}", …}',
    };
  const { ticket_id: externalId, event } = b.data;
  const base = { desk: 'freshdesk' as const, externalId };
  const agentName = filled(b.data.agent_name);
  const agent = agentName ? { id: `freshdesk:${agentName}`, name: agentName } : undefined;
  const events = [];
  const comment = filled(b.data.latest_public_comment);
  if (comment && event !== 'status_changed') {
    events.push({
      ...base,
      kind: 'agent_replied' as const,
      eventId: `comment:${externalId}:${digest([comment, b.data.updated_at ?? ''])}`,
      agent: agent ?? { id: 'freshdesk:agent', name: 'Support agent' },
      text: comment,
    });
  }
  const status = b.data.status !== undefined && b.data.status !== '' ? freshdeskStatus(b.data.status) : null;
  if (b.data.status !== undefined && b.data.status !== '' && !status && event !== 'agent_replied')
    return {
      kind: 'invalid',
      message: `unknown Freshdesk status ${JSON.stringify(b.data.status)} (expected 2–5)`,
    };
  if (status && event !== 'agent_replied') {
    events.push({
      ...base,
      kind: 'ticket_status_changed' as const,
      eventId: `status:${externalId}:${status}:${b.data.updated_at ?? ''}`,
      status,
      ...(agent ? { agent } : {}),
    });
  }
  return events.length ? { kind: 'events', events } : { kind: 'ignored', reason: 'nothing for the visitor' };
}
