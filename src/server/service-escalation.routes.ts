// The service escalation API of the WhatsApp source document: another system (a WhatsApp bot, a CRM
// flow) hands a conversation to the team as a ticket. Authenticated by a shared secret in X-Service-Token
// (timing-safe), idempotent by Idempotency-Key or source_reference_id (a retry answers the same ticket),
// and its field names are the document's, snake_case, so such a system needs no mapping.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { responsePromise } from '../config/response-time.ts';
import { PRIORITIES } from '../detection/detection.types.ts';
import { OPERATORS_CHANNEL, type Realtime } from '../engine/realtime.port.ts';
import { TICKET_STATUSES } from '../storage/schema/index.ts';
import type { TicketsRepository } from '../storage/tickets.repository.ts';
import { sendError } from './http.errors.ts';
import type { SlaSeconds } from './operator.queue.ts';
import { type Route, route } from './route.table.ts';

const text = (max: number) => z.string().trim().min(1).max(max);

export const serviceEscalationBody = z
  .object({
    customer_id: text(200).optional(),
    source_type: z
      .string({ error: 'source_type is required: where the conversation happened (whatsapp, web, …)' })
      .trim()
      .min(1)
      .max(40),
    source_reference_id: text(200).optional(),
    source_phone_number: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()-]{6,20}$/, 'source_phone_number is a phone number like +447700900123')
      .optional(),
    customer_email: z.email('customer_email is an e-mail address').optional(),
    subject: z.string({ error: 'subject is required' }).trim().min(1, 'subject must not be empty').max(300),
    escalation_reason: text(2000).optional(),
    escalation_category: text(60).optional(),
    priority: z.enum(PRIORITIES, { error: `priority is one of ${PRIORITIES.join(', ')}` }).default('medium'),
    status: z
      .enum(TICKET_STATUSES, { error: `status is one of ${TICKET_STATUSES.join(', ')}` })
      .default('open'),
    bot_detected_sentiment: text(40).optional(),
    customer_journey_stage: text(40).optional(),
    metadata: z
      .object({
        conversation_summary: z.string().max(8000).optional(),
        conversation_history: z.array(z.unknown()).max(500).optional(),
        keywords_detected: z.array(z.string().max(200)).max(100).optional(),
        bot_confidence: z.number().min(0).max(1).optional(),
      })
      .catchall(z.unknown())
      .default({}),
  })
  .strict();

export const serviceEscalationResponse = z.object({
  success: z.literal(true),
  ticket_id: z.string(),
  ticket_number: z.string(),
  assigned_to: z.string().nullable(),
  estimated_response_time: z.string(),
  message: z.string(),
});

export interface ServiceEscalationOptions {
  /** SERVICE_SECRET; null turns the API off (503 saying how to turn it on). */
  secret: string | null;
  tickets: TicketsRepository;
  allocateTicketNumber: () => Promise<string>;
  realtime: Realtime;
  sla: SlaSeconds;
  logger: Logger;
  now: () => Date;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The `service` guard of the route tables: SERVICE_SECRET in X-Service-Token (503 while it is not set). */
export function requireServiceToken(secret: string | null): RequestHandler {
  const expected = secret ? digest(secret) : null;
  return (req, res, next) => {
    if (!expected)
      return sendError(
        res,
        503,
        'service_api_off',
        'The service escalation API is off: set SERVICE_SECRET (16+ characters) on the server.',
      );
    const token = req.get('x-service-token');
    // Hashing both sides makes the comparison constant-time whatever the lengths.
    if (!token || !timingSafeEqual(digest(token), expected)) {
      res.status(401).json({ error: 'Unauthorized' });
      return;
    }
    next();
  };
}

export function serviceEscalationRoutes(options: ServiceEscalationOptions): Route[] {
  const routes: Route[] = [];
  routes.push(
    route({
      method: 'post',
      path: '/api/support/escalate',
      summary:
        'Open a support ticket from another system (X-Service-Token); idempotent by Idempotency-Key or source_reference_id',
      tags: ['service'],
      auth: 'service',
      responses: {
        '201': { description: 'Ticket created', schema: serviceEscalationResponse },
        '200': {
          description: 'The same request again: the ticket it created',
          schema: serviceEscalationResponse,
        },
        '401': {
          description: 'Missing or wrong X-Service-Token: {"error":"Unauthorized"}',
          schema: z.object({ error: z.literal('Unauthorized') }),
        },
        '503': { description: 'SERVICE_SECRET is not set' },
      },
      body: serviceEscalationBody,
      bodyOptional: true,
      handler: async ({ req, res, body }) => {
        const b = body;
        const headerKey = req.get('idempotency-key')?.trim();
        if (headerKey !== undefined && (headerKey.length === 0 || headerKey.length > 200))
          return sendError(res, 400, 'invalid_request', 'Idempotency-Key: 1 to 200 characters');
        const key = headerKey
          ? `service:key:${headerKey}`
          : b.source_reference_id
            ? `service:ref:${b.source_type}:${b.source_reference_id}`
            : null;
        const at = options.now();
        const values = {
          customerId: b.customer_id ?? null,
          customerEmail: b.customer_email ?? null,
          sessionId: null,
          sourceType: b.source_type,
          sourceReferenceId: b.source_reference_id ?? null,
          sourcePhoneNumber: b.source_phone_number?.replace(/[ ()-]/g, '') ?? null,
          subject: b.subject,
          description: b.metadata.conversation_summary ?? null,
          escalationReason: b.escalation_reason ?? null,
          escalationCategory: b.escalation_category ?? null,
          priority: b.priority,
          status: b.status,
          botDetectedSentiment: b.bot_detected_sentiment ?? null,
          customerJourneyStage: b.customer_journey_stage ?? null,
          metadata: b.metadata,
          createdAt: at,
          updatedAt: at,
        };
        // A retry finds its ticket before a number is allocated; two racing first attempts both allocate, one
        // insert wins and the other answers the winner's ticket (its number stays unused: a gap, never a twin).
        const existing = key ? await options.tickets.byIdempotencyKey(key) : null;
        const result = existing
          ? { created: false, row: existing }
          : await options.tickets.createIdempotent({
              ...values,
              ticketNumber: await options.allocateTicketNumber(),
              idempotencyKey: key ?? `service:once:${randomUUID()}`,
            });
        const ticket = result.row;
        if (result.created) {
          options.logger.info(
            { ticket: ticket.ticketNumber, source: b.source_type, priority: b.priority },
            'ticket opened through the service API',
          );
          await options.realtime
            .publish(OPERATORS_CHANNEL, {
              sessionId: ticket.sessionId ?? ticket.id,
              seq: 0,
              kind: 'queue',
              payload: {
                kind: 'ticket',
                ticketId: ticket.id,
                ticketNumber: ticket.ticketNumber,
                priority: ticket.priority,
                subject: ticket.subject,
              },
            })
            .catch((error: unknown) => options.logger.warn({ err: error }, 'operator notification failed'));
        }
        const priority = PRIORITIES.includes(ticket.priority as (typeof PRIORITIES)[number])
          ? (ticket.priority as (typeof PRIORITIES)[number])
          : 'medium';
        const eta = responsePromise(options.sla[priority]).replace(/^within /, '');
        res.status(result.created ? 201 : 200).json({
          success: true,
          ticket_id: ticket.id,
          ticket_number: ticket.ticketNumber,
          assigned_to: ticket.assignedToAgentId,
          estimated_response_time: eta,
          message: result.created
            ? `Ticket ${ticket.ticketNumber} created; the team will answer within ${eta}.`
            : `Ticket ${ticket.ticketNumber} already exists for this request; nothing new was created.`,
        });
      },
    }),
  );

  return routes;
}
