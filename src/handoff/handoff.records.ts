// The handoff's durable record: one `escalations` row per handoff (keyed by the effect's idempotency key,
// carrying the frozen packet), one `escalation_integrations` row per (handoff, target) saying whether that
// delivery happened (and its external id), and the `support_tickets` row of a ticket. These rows are what
// makes a retried or re-run effect skip work that is already done. The reads and writes are in
// src/handoff/records/, the statements in src/storage/handoff-records.repository.ts.
import type { CallbacksRepository } from '../storage/callbacks.repository.ts';
import type { HandoffRecordsRepository } from '../storage/handoff-records.repository.ts';
import { deliveryWrites } from './records/delivery.writes.ts';
import { escalationWrites } from './records/escalation.writes.ts';
import { handoffRecordReads } from './records/handoff-records.reads.ts';
import { localRecordWrites } from './records/local-records.writes.ts';

export type { EscalationStatus } from './records/escalation.writes.ts';
export {
  deliveryStatus,
  type EscalationRecord,
  type IntegrationRecord,
} from './records/handoff-records.reads.ts';

export interface HandoffRecordsDeps {
  repository: HandoffRecordsRepository;
  callbacks: Pick<CallbacksRepository, 'schedule'>;
  now: () => Date;
}

export function createHandoffRecords({ repository, callbacks, now }: HandoffRecordsDeps) {
  const reads = handoffRecordReads(repository);
  return {
    ...reads,
    ...escalationWrites({ repository, now, findEscalation: reads.findEscalation }),
    ...deliveryWrites(repository),
    ...localRecordWrites({ repository, callbacks, now }),
  };
}

export type HandoffRecords = ReturnType<typeof createHandoffRecords>;
