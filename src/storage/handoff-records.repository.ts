// The handoff's durable rows: `escalations` (one per handoff, keyed by the effect's idempotency key),
// `escalation_integrations` (one per handoff and target) and the `support_tickets` row of a ticket. The
// statements only, one file per table in handoff-records/; what goes into them (the packet's fields, which
// status may follow which) is the handoff records' business.
import type { Db } from './database.ts';
import { escalationStatements } from './handoff-records/escalations.statements.ts';
import { integrationReads, integrationWrites } from './handoff-records/integrations.statements.ts';
import { supportTicketStatements } from './handoff-records/support-tickets.statements.ts';

export type {
  EscalationStatusChange,
  NewEscalationRecord,
} from './handoff-records/escalations.statements.ts';
export type { IntegrationOwner, IntegrationRow } from './handoff-records/integrations.statements.ts';
export type { NewSupportTicketRecord } from './handoff-records/support-tickets.statements.ts';

export function createHandoffRecordsRepository(db: Db, now: () => Date) {
  return {
    ...escalationStatements(db),
    ...integrationReads(db),
    ...integrationWrites(db, now),
    ...supportTicketStatements(db, now),
  };
}

export type HandoffRecordsRepository = ReturnType<typeof createHandoffRecordsRepository>;
