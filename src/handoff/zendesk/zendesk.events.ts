// Zendesk webhook payloads → desk events. Two shapes: the event-subscription envelope
// ({type:"zen:event-type:ticket.comment_added" | "…status_changed", id, detail:{id, status}, event:{…}})
// and the body of a trigger's "Notify webhook" action, for accounts that use triggers (README template).
// Only public comments by staff reach the visitor: the requester's own comments (our posts on the visitor's
// behalf among them) and internal notes stay on the desk.
import { z } from 'zod';
import type { WebhookParse } from '../desk/desk-webhook.route.ts';
import type { DeskTicketStatus } from '../desk-event.port.ts';

const id = z.union([z.string().min(1), z.number()]).transform(String);
const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

export function zendeskStatus(raw: string): DeskTicketStatus | null {
  switch (raw.trim().toLowerCase()) {
    case 'new':
    case 'open':
      return 'open';
    case 'pending':
    case 'hold':
    case 'on-hold':
      return 'pending';
    case 'solved':
      return 'solved';
    case 'closed':
      return 'closed';
    default:
      return null;
  }
}

const subscription = z.object({
  type: z.string().startsWith('zen:event-type:'),
  id: id,
  detail: z.object({ id }).passthrough(),
  event: z.record(z.string(), z.unknown()).default({}),
});
const commentEvent = z.object({
  comment: z.object({
    id,
    body: z.string(),
    is_public: bool,
    author: z.object({ id, name: z.string().optional(), is_staff: bool.optional() }).passthrough(),
  }),
});
const statusEvent = z.object({ current: z.string(), previous: z.string().optional() });

/** The README's trigger template. */
const trigger = z.object({
  switchboard: z.literal('zendesk-trigger'),
  ticket_id: id,
  status: z.string().optional(),
  updated_at: z.string().optional(),
  comment: z
    .object({
      id,
      body: z.string(),
      public: bool,
      author_id: id.optional(),
      author_name: z.string().optional(),
      author_role: z.string().optional(),
    })
    .optional(),
});

export function parseZendeskWebhook(json: unknown): WebhookParse {
  const t = trigger.safeParse(json);
  if (t.success) {
    const { ticket_id: externalId, comment, status } = t.data;
    const base = { desk: 'zendesk' as const, externalId };
    const events = [];
    if (comment?.public && comment.body.trim() && comment.author_role !== 'end-user') {
      events.push({
        ...base,
        kind: 'agent_replied' as const,
        eventId: `comment:${comment.id}`,
        agent: {
          id: `zendesk:${comment.author_id ?? 'agent'}`,
          name: comment.author_name || 'Support agent',
        },
        text: comment.body,
      });
    }
    const mapped = status ? zendeskStatus(status) : null;
    if (mapped)
      events.push({
        ...base,
        kind: 'ticket_status_changed' as const,
        eventId: `status:${externalId}:${mapped}:${t.data.updated_at ?? ''}`,
        status: mapped,
      });
    return events.length
      ? { kind: 'events', events }
      : { kind: 'ignored', reason: 'nothing for the visitor' };
  }
  const s = subscription.safeParse(json);
  if (!s.success)
    return {
      kind: 'invalid',
      message:
        'expected a Zendesk event-subscription webhook {type:"zen:event-type:…", id, detail, event} or the trigger body from the README',
    };
  const externalId = s.data.detail.id;
  const base = { desk: 'zendesk' as const, externalId };
  switch (s.data.type) {
    case 'zen:event-type:ticket.comment_added': {
      const c = commentEvent.safeParse(s.data.event);
      if (!c.success) return { kind: 'invalid', message: 'ticket.comment_added without event.comment' };
      const { comment } = c.data;
      if (!comment.is_public) return { kind: 'ignored', reason: 'internal note' };
      if (comment.author.is_staff === false)
        return { kind: 'ignored', reason: "the requester's own comment" };
      if (!comment.body.trim()) return { kind: 'ignored', reason: 'empty comment' };
      return {
        kind: 'events',
        events: [
          {
            ...base,
            kind: 'agent_replied',
            eventId: `comment:${comment.id}`,
            agent: { id: `zendesk:${comment.author.id}`, name: comment.author.name || 'Support agent' },
            text: comment.body,
          },
        ],
      };
    }
    case 'zen:event-type:ticket.status_changed': {
      const e = statusEvent.safeParse(s.data.event);
      const status = zendeskStatus(e.success ? e.data.current : String(s.data.detail.status ?? ''));
      if (!status) return { kind: 'ignored', reason: 'a status we do not follow' };
      return {
        kind: 'events',
        events: [{ ...base, kind: 'ticket_status_changed', eventId: `event:${s.data.id}`, status }],
      };
    }
    default:
      return { kind: 'ignored', reason: `${s.data.type} is not used` };
  }
}
