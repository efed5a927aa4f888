// Freshdesk as a handoff target. Freshdesk has no idempotency key, so the handoff's own record (the
// escalation_integrations row) is checked first, and after an unanswered attempt the ticket is searched
// for by its handoff tag before a new one is created.
import type { FindResult, HandoffTarget } from '../handoff.target.ts';
import type { HandoffPacket } from '../packet.ts';
import type { DeliveryResult } from '../vendor.http.ts';
import type { FreshdeskClient } from './freshdesk.client.ts';
import { type FreshdeskFieldMap, handoffTag, toFreshdeskTicket } from './freshdesk.mapping.ts';

export interface FreshdeskTargetOptions {
  client: FreshdeskClient;
  groupFor: (packet: HandoffPacket) => number | undefined;
  fields?: FreshdeskFieldMap;
}

export function createFreshdeskTarget(options: FreshdeskTargetOptions): HandoffTarget {
  return {
    name: 'freshdesk',
    async deliver(packet): Promise<DeliveryResult> {
      const groupId = options.groupFor(packet);
      const result = await options.client.createTicket(
        toFreshdeskTicket(packet, {
          ...(groupId !== undefined ? { groupId } : {}),
          ...(options.fields ? { fields: options.fields } : {}),
        }),
      );
      if (!result.ok) return result.result;
      return { outcome: 'delivered', externalId: String(result.id), externalUrl: result.url };
    },
    async find(packet): Promise<FindResult> {
      const result = await options.client.findByTag(handoffTag(packet.handoffKey));
      if (!result.ok) return result.result;
      return result.id !== null
        ? {
            outcome: 'delivered',
            externalId: String(result.id),
            ...(result.url ? { externalUrl: result.url } : {}),
            metadata: { foundAfterDoubt: true },
          }
        : { outcome: 'absent' };
    },
  };
}
