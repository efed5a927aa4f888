// The escalation row of a handoff: inserted once with its packet, then moved forward only (queued →
// assigned → resolved / handed back), so effects that run out of order cannot undo a later change.
import type {
  EscalationStatusChange,
  HandoffRecordsRepository,
} from '../../storage/handoff-records.repository.ts';
import type { ESCALATION_STATUSES } from '../../storage/schema/index.ts';
import type { HandoffPacket } from '../packet.ts';
import { escalationRow } from './handoff-record.rows.ts';
import type { EscalationRecord } from './handoff-records.reads.ts';

export type EscalationStatus = 'assigned' | 'resolved' | 'handed_back' | 'failed';

export interface EscalationStatusDetails {
  at: Date;
  agentId?: string;
  notes?: string;
  resolutionCategory?: string;
}

/** Status changes only move forward, so effects that run out of order cannot undo a later change. */
const ALLOWED_FROM: Record<EscalationStatus, Array<(typeof ESCALATION_STATUSES)[number]>> = {
  assigned: ['queued', 'assigned'],
  resolved: ['queued', 'assigned'],
  handed_back: ['queued', 'assigned'],
  failed: ['queued'],
};

/** The columns a status change sets: who took it and when, or how it was resolved. */
function statusChange(status: EscalationStatus, details: EscalationStatusDetails): EscalationStatusChange {
  const change: EscalationStatusChange = { status };
  if (status === 'assigned') {
    change.assignedAt = details.at;
    if (details.agentId) change.assignedTo = details.agentId;
  }
  if (status === 'resolved') {
    change.resolvedAt = details.at;
    if (details.agentId) change.assignedToIfUnset = details.agentId;
    if (details.notes !== undefined) change.resolutionSummary = details.notes;
    if (details.resolutionCategory !== undefined) change.resolutionCategory = details.resolutionCategory;
  }
  return change;
}

export function escalationWrites(deps: {
  repository: HandoffRecordsRepository;
  now: () => Date;
  findEscalation: (handoffKey: string) => Promise<EscalationRecord | null>;
}) {
  const { repository, now, findEscalation } = deps;
  return {
    /** Inserts the escalation with its packet unless it exists; returns whichever row won. */
    async ensureEscalation(packet: HandoffPacket): Promise<EscalationRecord> {
      await repository.insertEscalation(escalationRow(packet, now));
      const row = await findEscalation(packet.handoffKey);
      if (!row) throw new Error(`escalation ${packet.handoffKey} vanished right after its insert`);
      return row;
    },

    /** Applies a status change if it moves forward; returns whether a row changed. */
    async updateEscalationStatus(
      key: string,
      status: EscalationStatus,
      details: EscalationStatusDetails,
    ): Promise<boolean> {
      return repository.changeEscalationStatus(key, statusChange(status, details), ALLOWED_FROM[status]);
    },

    /** The first operator reply sets first_response_at; later ones leave it alone. */
    setFirstResponse: (key: string, at: Date): Promise<boolean> => repository.setFirstResponse(key, at),
  };
}
