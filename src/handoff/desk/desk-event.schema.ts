// The DeskEvent (desk-event.port.ts) as a schema: what the inbox stores is parsed again when it is read,
// so a row written by an older version, or edited by hand, cannot reach the engine unchecked.
import { z } from 'zod';
import type { DeskEvent } from '../desk-event.port.ts';
import { TARGET_NAMES } from '../handoff.target.ts';

const agent = z.object({ id: z.string().min(1), name: z.string().min(1).max(200) });
const base = {
  desk: z.enum(TARGET_NAMES),
  eventId: z.string().min(1).max(300),
  externalId: z.string().min(1).max(300),
};

export const deskEventSchema: z.ZodType<DeskEvent> = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('agent_joined'), agent }),
  z.object({ ...base, kind: z.literal('agent_replied'), agent, text: z.string().min(1).max(20_000) }),
  z.object({
    ...base,
    kind: z.literal('conversation_closed'),
    agent: agent.optional(),
    note: z.string().max(2000).optional(),
  }),
  z.object({ ...base, kind: z.literal('conversation_missed') }),
  z.object({
    ...base,
    kind: z.literal('ticket_status_changed'),
    status: z.enum(['open', 'pending', 'solved', 'closed']),
    agent: agent.optional(),
  }),
]);
