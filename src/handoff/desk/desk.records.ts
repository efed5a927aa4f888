// The records a desk event moves: which conversation a desk's id belongs to (escalation_integrations),
// where the case stands on the desk (desk_status / desk_agent), our ticket's status when the helpdesk
// solves or closes it, and what we posted to the desk (desk_outbound: posted once, echoes recognised).
// The statements are in src/storage/desk-cases.repository.ts and desk-outbound.repository.ts.
import { createHash } from 'node:crypto';
import type { DeskCasesRepository } from '../../storage/desk-cases.repository.ts';
import type { DeskOutboundRepository } from '../../storage/desk-outbound.repository.ts';
import type { DeskEvent, DeskTicketStatus } from '../desk-event.port.ts';
import type { TargetName } from '../handoff.target.ts';

export interface DeskCase {
  conversationId: string;
  /** The handoff (escalations.idempotency_key) this desk delivery belongs to. */
  handoffKey: string;
  escalationId: string | null;
  externalUrl: string | null;
  metadata: Record<string, unknown>;
}

/** What the console shows per delivery: where the case stands on the desk. */
export function deskStatusOf(event: DeskEvent): string {
  switch (event.kind) {
    case 'agent_joined':
      return 'assigned';
    case 'agent_replied':
      return 'answered';
    case 'conversation_closed':
      return 'closed';
    case 'conversation_missed':
      return 'missed';
    case 'ticket_status_changed':
      return event.status;
  }
}

/**
 * How an operator reads where a case stands on its desk: "answered in SalesIQ by Maria", "Zendesk #123
 * solved". Null until the desk said something.
 */
export function deskSummary(
  target: string,
  label: string,
  externalId: string | null,
  status: string | null,
  agent: string | null,
): string | null {
  if (!status) return null;
  const by = agent ? ` by ${agent}` : '';
  if (target === 'zendesk' || target === 'freshdesk')
    return `${label}${externalId ? ` #${externalId}` : ''} ${status}${status === 'answered' ? by : ''}`;
  switch (status) {
    case 'assigned':
      return `taken in ${label}${by}`;
    case 'answered':
      return `answered in ${label}${by}`;
    case 'closed':
      return `closed in ${label}${by}`;
    case 'missed':
      return `missed in ${label}: nobody took it`;
    default:
      return `${label}: ${status}`;
  }
}

/** Whitespace-insensitive fingerprint of a text: how an echo of our own post is recognised. */
export function fingerprint(text: string): string {
  return createHash('sha256').update(text.replace(/\s+/g, ' ').trim()).digest('hex');
}

/** The desks that take the visitor's messages after a handoff (a ticket comment or a thread line). */
const FORWARDING_DESKS = ['zendesk', 'freshdesk', 'slack'] as const;
type ForwardingDesk = (typeof FORWARDING_DESKS)[number];

const isForwardingDesk = (desk: string): desk is ForwardingDesk =>
  desk === 'zendesk' || desk === 'freshdesk' || desk === 'slack';

const metadataOf = (raw: unknown): Record<string, unknown> =>
  raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};

/** A desk holding a conversation's latest handoff that takes the visitor's messages. */
export interface OpenDesk {
  desk: ForwardingDesk;
  externalId: string;
  handoffKey: string;
  metadata: Record<string, unknown>;
}

export interface DeskRecordsDeps {
  cases: DeskCasesRepository;
  outbound: DeskOutboundRepository;
}

export function createDeskRecords({ cases, outbound }: DeskRecordsDeps) {
  return {
    /** The conversation a desk's conversation / ticket / thread id belongs to (the latest handoff to it). */
    async caseOf(desk: TargetName, externalId: string): Promise<DeskCase | null> {
      const row = await cases.deliveryByExternalId(desk, externalId);
      return row ? { ...row, metadata: metadataOf(row.metadata) } : null;
    },

    /** The delivery row follows the desk: its status and who acted, for the console. */
    async recordDeskStatus(desk: TargetName, c: DeskCase, event: DeskEvent, at: Date) {
      const agent = 'agent' in event ? event.agent?.name : undefined;
      await cases.setDeskStatus(c.handoffKey, desk, {
        deskStatus: deskStatusOf(event),
        ...(agent ? { deskAgent: agent } : {}),
        deskStatusAt: at,
      });
    },

    /**
     * A helpdesk solved or closed the ticket: the escalation is resolved (our support_tickets row follows
     * through the engine's updateTicketStatus effect). Only from open states: a redelivery changes nothing.
     */
    async resolveEscalation(c: DeskCase, status: DeskTicketStatus, agent: string | undefined, at: Date) {
      await cases.resolveOpenEscalation(c.handoffKey, {
        resolvedAt: at,
        ...(agent ? { resolutionSummary: `${status} by ${agent}` } : {}),
      });
    },

    /** Claims the right to post one visitor message to one desk; false when it was posted already. */
    async beginPost(input: {
      key: string;
      desk: TargetName;
      externalId: string;
      conversationId: string;
      text: string;
    }): Promise<boolean> {
      const { text, ...post } = input;
      if (await outbound.insertPost({ ...post, fingerprint: fingerprint(text) })) return true;
      // Inserted by an earlier run that then failed before the vendor answered: posted unless confirmed.
      return !(await outbound.isConfirmed(input.key));
    },

    confirmPost: (key: string, vendorMessageId: string): Promise<void> =>
      outbound.confirm(key, vendorMessageId),

    /** A post we could not make for good: forget it, so its text is not mistaken for an echo later. */
    abandonPost: (key: string): Promise<void> => outbound.remove(key),

    /** Is this desk message our own post coming back (by the vendor's id, or by its text on that case)? */
    isEcho(desk: TargetName, externalId: string, text: string, vendorMessageId?: string): Promise<boolean> {
      return outbound.hasPost(desk, externalId, {
        fingerprint: fingerprint(text),
        ...(vendorMessageId ? { vendorMessageId } : {}),
      });
    },

    /** Open escalations (queued or assigned), most urgent and oldest first, with where each was delivered. */
    openCases: (limit: number) => cases.openCases(limit),

    /** The desks of a conversation's latest handoff that take the visitor's messages (ticket or thread). */
    async openDesks(conversationId: string): Promise<OpenDesk[]> {
      const rows = await cases.deliveriesOfConversation(conversationId, [...FORWARDING_DESKS]);
      const latest = rows[0]?.handoffKey;
      return rows.flatMap((r) =>
        r.handoffKey === latest &&
        r.externalId &&
        r.deskStatus !== 'solved' &&
        r.deskStatus !== 'closed' &&
        isForwardingDesk(r.desk)
          ? [
              {
                desk: r.desk,
                externalId: r.externalId,
                handoffKey: r.handoffKey,
                metadata: metadataOf(r.metadata),
              },
            ]
          : [],
      );
    },
  };
}

export type DeskRecords = ReturnType<typeof createDeskRecords>;
