// The rows a callback or ticket handoff owns besides its escalation: the callbacks row (one per handoff)
// and the support_tickets row (exactly one per handoff, whatever the helpdesk does), whose status then
// follows the desk's.
import type { CallbacksRepository } from '../../storage/callbacks.repository.ts';
import type { HandoffRecordsRepository } from '../../storage/handoff-records.repository.ts';
import type { TICKET_STATUSES } from '../../storage/schema/index.ts';
import type { DeskTicketStatus } from '../desk-event.port.ts';
import type { HandoffPacket } from '../packet.ts';
import { callbackRow, supportTicketRow } from './handoff-record.rows.ts';

/** A desk's ticket status in our support_tickets vocabulary. */
const TICKET_STATUS_OF: Record<DeskTicketStatus, (typeof TICKET_STATUSES)[number]> = {
  open: 'open',
  pending: 'awaiting_customer',
  solved: 'resolved',
  closed: 'closed',
};

export function localRecordWrites(deps: {
  repository: HandoffRecordsRepository;
  callbacks: Pick<CallbacksRepository, 'schedule'>;
  now: () => Date;
}) {
  const { repository, callbacks, now } = deps;
  return {
    /** The callbacks row of a callback handoff (one per handoff), due when the visitor's window opens. */
    async scheduleCallback(packet: HandoffPacket, escalationId: string) {
      return callbacks.schedule(callbackRow(packet, escalationId, now));
    },

    /** The support_tickets row of a ticket handoff (exactly one per handoff, whatever the helpdesk does). */
    async ensureSupportTicket(packet: HandoffPacket): Promise<{ ticketNumber: string }> {
      if (!packet.ticketNumber) throw new Error(`ticket handoff ${packet.handoffKey} has no ticket number`);
      const row = await repository.ensureSupportTicket(supportTicketRow(packet, packet.ticketNumber));
      if (!row)
        throw new Error(`support ticket ${packet.ticketNumber} was not recorded (number already taken?)`);
      return row;
    },

    /** Our ticket follows the desk's status (a redelivered change sets the same value again). */
    async setTicketStatus(key: string, status: DeskTicketStatus, at: Date): Promise<boolean> {
      const ours = TICKET_STATUS_OF[status];
      return repository.setTicketStatus(key, {
        status: ours,
        updatedAt: at,
        ...(ours === 'resolved' || ours === 'closed' ? { resolvedAt: at } : {}),
      });
    },
  };
}
