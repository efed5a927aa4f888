// Request and response bodies of the ticket and callback work API (the route tables validate with them).
import { z } from 'zod';
import { PRIORITIES } from '../detection/detection.types.ts';
import { CALLBACK_STATUSES, TICKET_STATUSES } from '../storage/schema/index.ts';
import { list, RESOLUTION_CATEGORIES, satisfactionItem } from './operator.schemas.ts';

const paging = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
};

export const ticketQuery = z
  .object({
    status: list(z.enum(TICKET_STATUSES, { error: `status is one of ${TICKET_STATUSES.join(', ')}` })),
    priority: list(z.enum(PRIORITIES, { error: `priority is one of ${PRIORITIES.join(', ')}` })),
    category: list(z.string().max(40)),
    channel: list(z.string().max(40)).describe('source_type: web, whatsapp, salesiq, chat, api …'),
    assignee: z.string().max(64).optional().describe('an operator id, "me", or "none" for unassigned'),
    q: z.string().trim().max(200).optional().describe('number, subject, description, e-mail or phone'),
    ...paging,
  })
  .strict();

export const ticketPatchBody = z
  .object({
    status: z.enum(TICKET_STATUSES, { error: `status is one of ${TICKET_STATUSES.join(', ')}` }).optional(),
    assignee: z
      .string()
      .max(64)
      .nullable()
      .optional()
      .describe('an operator id, "me" to take it, or null to release it'),
    priority: z.enum(PRIORITIES, { error: `priority is one of ${PRIORITIES.join(', ')}` }).optional(),
    resolutionNotes: z.string().trim().min(1, 'resolutionNotes must not be empty').max(4000).optional(),
    resolutionCategory: z
      .enum(RESOLUTION_CATEGORIES, {
        error: `resolutionCategory is one of ${RESOLUTION_CATEGORIES.join(', ')}`,
      })
      .optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'send at least one field to change' });

export const ticketReplyBody = z
  .object({
    body: z
      .string({ error: 'body is required: the text of the reply' })
      .trim()
      .min(1, 'body must not be empty')
      .max(8000),
    /** false: an internal note on the ticket that the requester never sees. */
    public: z.boolean().default(true),
  })
  .strict();

const ticketReply = z.object({
  id: z.string(),
  authorType: z.enum(['agent', 'customer', 'system']),
  authorId: z.string().nullable(),
  authorName: z.string().nullable(),
  body: z.string(),
  public: z.boolean(),
  deliveredVia: z.enum(['chat', 'email', 'none']),
  deliveryStatus: z.enum(['pending', 'sent', 'failed', 'not_sent']),
  deliveryError: z.string().nullable(),
  createdAt: z.string(),
});

const workAllowed = z.object({
  take: z.boolean(),
  release: z.boolean(),
  change: z.boolean(),
  reply: z.boolean(),
});

export const ticketItem = z.object({
  id: z.string(),
  ticketNumber: z.string(),
  status: z.enum(TICKET_STATUSES),
  /** The statuses this ticket may move to next. */
  allowedStatuses: z.array(z.enum(TICKET_STATUSES)),
  priority: z.string(),
  subject: z.string(),
  description: z.string().nullable(),
  category: z.string().nullable(),
  channel: z.string(),
  customerId: z.string().nullable(),
  customerEmail: z.string().nullable(),
  sourcePhoneNumber: z.string().nullable(),
  sourceReferenceId: z.string().nullable(),
  sessionId: z.string().nullable(),
  assignedTo: z.string().nullable(),
  escalationReason: z.string().nullable(),
  sentiment: z.string().nullable(),
  journeyStage: z.string().nullable(),
  firstResponseAt: z.string().nullable(),
  resolutionNotes: z.string().nullable(),
  resolutionCategory: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
  /** When the first reply is due (created + the priority's FIRST_RESPONSE_SLA). */
  slaDueAt: z.string(),
  /** What the asking operator may do with it (the one policy's `allowedWork`). */
  allowed: workAllowed,
});
export type TicketItem = z.infer<typeof ticketItem>;

export const ticketDetail = ticketItem.extend({
  replies: z.array(ticketReply),
  /** The requester's rating once the ticket was solved, or null. */
  satisfaction: satisfactionItem.nullable(),
});
export const ticketListResponse = z.object({
  items: z.array(ticketItem),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});
export const ticketReplyResponse = z.object({ ticket: ticketItem, reply: ticketReply });

export const callbackQuery = z
  .object({
    status: list(z.enum(CALLBACK_STATUSES, { error: `status is one of ${CALLBACK_STATUSES.join(', ')}` })),
    from: z.iso.datetime({ offset: true, error: 'from is an ISO date-time' }).optional(),
    to: z.iso.datetime({ offset: true, error: 'to is an ISO date-time' }).optional(),
    assignee: z.string().max(64).optional().describe('an operator id, "me", or "none"'),
    ...paging,
  })
  .strict();

export const CALLBACK_OUTCOMES = ['done', 'no_answer', 'cancelled'] as const;
export const callbackPatchBody = z
  .object({
    outcome: z
      .enum(CALLBACK_OUTCOMES, { error: `outcome is one of ${CALLBACK_OUTCOMES.join(', ')}` })
      .optional(),
    notes: z.string().trim().max(4000).optional(),
    /** With no_answer: when to try again (default: in two hours). */
    retryAt: z.iso.datetime({ offset: true, error: 'retryAt is an ISO date-time' }).optional(),
    assignee: z.string().max(64).nullable().optional().describe('an operator id, "me", or null'),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'send at least one field to change' })
  .refine((b) => b.retryAt === undefined || b.outcome === 'no_answer', {
    message: 'retryAt goes with outcome no_answer',
    path: ['retryAt'],
  });

export const callbackItem = z.object({
  id: z.string(),
  sessionId: z.string(),
  status: z.enum(CALLBACK_STATUSES),
  phone: z.string().nullable(),
  /** tel: link for the console. */
  telUrl: z.string().nullable(),
  visitorName: z.string().nullable(),
  windowText: z.string().nullable(),
  dueAt: z.string(),
  windowEndsAt: z.string(),
  priority: z.string(),
  category: z.string().nullable(),
  summary: z.string().nullable(),
  attempts: z.number().int(),
  notes: z.string().nullable(),
  assignedTo: z.string().nullable(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  /** The window is open now (or already past) and the call is not made yet. */
  due: z.boolean(),
  /** What the asking operator may do with it (the one policy's `allowedWork`); absent in reminders. */
  allowed: workAllowed.optional(),
});
export type CallbackItem = z.infer<typeof callbackItem>;
export const callbackListResponse = z.object({
  items: z.array(callbackItem),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});
