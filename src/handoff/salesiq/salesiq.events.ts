// SalesIQ webhook payloads → desk events. Envelope {entity_type:"conversation", event, entity_id, org_id,
// app_id, attempt, version, entity}; `entity_id` is the conversation id our handoff recorded. A retried
// delivery (attempt 2, 3 …) carries the same event, so the event id leaves the attempt out.
import { z } from 'zod';
import type { WebhookParse } from '../desk/desk-webhook.route.ts';

const id = z.union([z.string().min(1), z.number()]).transform(String);
const operator = z
  .object({
    id,
    name: z.string().min(1).optional(),
    email: z.string().optional(),
    email_id: z.string().optional(),
  })
  .passthrough();

const envelope = z
  .object({
    entity_type: z.string(),
    event: z.string(),
    entity_id: id.optional(),
    attempt: z.number().optional(),
    entity: z.object({ id: id.optional() }).passthrough(),
  })
  .passthrough();

const replied = z.object({
  message: z.object({
    msgid: id,
    text: z.string(),
    sender: z.object({ type: z.string(), id, name: z.string().min(1).optional() }).passthrough(),
  }),
});
const attender = z.object({ owner: operator.optional(), attender: operator.optional() }).passthrough();
const completed = z.object({ ended_by: z.string().optional(), owner: operator.optional() }).passthrough();

const agentOf = (o: z.infer<typeof operator>) => ({
  id: `salesiq:${o.id}`,
  name: o.name ?? o.email ?? o.email_id ?? 'SalesIQ operator',
});

export function parseSalesIqWebhook(json: unknown): WebhookParse {
  const env = envelope.safeParse(json);
  if (!env.success)
    return {
      kind: 'invalid',
      message: 'expected a SalesIQ webhook envelope {entity_type, event, entity_id, entity}',
    };
  const { event, entity } = env.data;
  const externalId = env.data.entity_id ?? entity.id;
  if (env.data.entity_type !== 'conversation' || !externalId)
    return { kind: 'ignored', reason: `${env.data.entity_type} events are not used` };
  const base = { desk: 'salesiq' as const, externalId };
  switch (event) {
    case 'conversation.operator.replied': {
      const m = replied.safeParse(entity);
      if (!m.success)
        return { kind: 'invalid', message: 'conversation.operator.replied without entity.message' };
      const { msgid, text, sender } = m.data.message;
      if (sender.type !== 'operator' || text.trim() === '')
        return { kind: 'ignored', reason: 'not an operator text message' };
      return {
        kind: 'events',
        events: [
          {
            ...base,
            kind: 'agent_replied',
            eventId: `message:${msgid}`,
            agent: { id: `salesiq:${sender.id}`, name: sender.name ?? 'SalesIQ operator' },
            text,
          },
        ],
      };
    }
    case 'conversation.attender.updated': {
      const a = attender.safeParse(entity);
      const who = a.success ? (a.data.owner ?? a.data.attender) : undefined;
      if (!who) return { kind: 'invalid', message: 'conversation.attender.updated without entity.owner' };
      return {
        kind: 'events',
        events: [
          { ...base, kind: 'agent_joined', eventId: `${event}:${externalId}:${who.id}`, agent: agentOf(who) },
        ],
      };
    }
    case 'conversation.completed': {
      const c = completed.safeParse(entity);
      const owner = c.success ? c.data.owner : undefined;
      return {
        kind: 'events',
        events: [
          {
            ...base,
            kind: 'conversation_closed',
            eventId: `${event}:${externalId}`,
            ...(owner ? { agent: agentOf(owner) } : {}),
            ...(c.success && c.data.ended_by ? { note: `ended by ${c.data.ended_by}` } : {}),
          },
        ],
      };
    }
    case 'conversation.missed':
      return {
        kind: 'events',
        events: [{ ...base, kind: 'conversation_missed', eventId: `${event}:${externalId}` }],
      };
    default:
      return { kind: 'ignored', reason: `${event} is not used` };
  }
}
