// The delivery rows of a handoff (`escalation_integrations`, one per target): an attempt is "in doubt" from
// its start until its outcome is recorded, local targets are delivered by being written, and a worker
// that gives up fails whatever is still pending.
import type { HandoffRecordsRepository, IntegrationOwner } from '../../storage/handoff-records.repository.ts';
import type { TargetName } from '../handoff.target.ts';
import type { DeliveryResult } from '../vendor.http.ts';

export function deliveryWrites(repository: HandoffRecordsRepository) {
  return {
    /** Marks an attempt as started: until its outcome is recorded, it counts as "in doubt". */
    async beginAttempt(key: string, target: TargetName, escalation: IntegrationOwner) {
      await repository.beginAttempt(key, target, escalation);
    },

    async recordOutcome(key: string, target: TargetName, result: DeliveryResult) {
      if (result.outcome === 'delivered') {
        await repository.markDelivered(key, target, {
          externalId: result.externalId,
          externalUrl: result.externalUrl ?? null,
          metadata: { ...result.metadata, inDoubt: false },
        });
      } else {
        await repository.markUndelivered(key, target, {
          status: result.outcome === 'failed' ? 'failed' : 'pending',
          lastError: result.error.slice(0, 2000),
          inDoubt: result.outcome === 'retry' && result.inDoubt,
        });
      }
    },

    /** Local targets (console queue, ticket record, callback list) are delivered by being written. */
    async recordLocal(
      key: string,
      target: TargetName,
      escalation: IntegrationOwner,
      externalId: string,
      metadata: Record<string, unknown> = {},
    ) {
      await repository.insertDelivered(key, target, escalation, externalId, metadata);
    },

    /** The worker gave up: whatever is not delivered for this handoff is failed for good. */
    async failUndelivered(key: string, error: string) {
      await repository.failPending(key, error.slice(0, 2000));
    },
  };
}
