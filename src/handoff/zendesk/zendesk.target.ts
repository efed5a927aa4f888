// Zendesk as a handoff target. The handoff key is both the Idempotency-Key (Zendesk replays the first
// answer for two hours) and the ticket's external_id (found again after the replay window, too).
import type { FindResult, HandoffTarget } from '../handoff.target.ts';
import type { HandoffPacket } from '../packet.ts';
import type { DeliveryResult } from '../vendor.http.ts';
import type { ZendeskClient } from './zendesk.client.ts';
import { toZendeskTicket, type ZendeskFieldMap } from './zendesk.mapping.ts';

export interface ZendeskTargetOptions {
  client: ZendeskClient;
  groupFor: (packet: HandoffPacket) => number | undefined;
  fields?: ZendeskFieldMap;
}

export function createZendeskTarget(options: ZendeskTargetOptions): HandoffTarget {
  return {
    name: 'zendesk',
    async deliver(packet): Promise<DeliveryResult> {
      const groupId = options.groupFor(packet);
      const request = toZendeskTicket(packet, {
        ...(groupId !== undefined ? { groupId } : {}),
        ...(options.fields ? { fields: options.fields } : {}),
      });
      const result = await options.client.createTicket(request, packet.handoffKey);
      if (!result.ok) return result.result;
      return {
        outcome: 'delivered',
        externalId: String(result.id),
        externalUrl: result.url,
        metadata: {
          replayed: result.replayed,
          ...(result.requesterId !== undefined ? { requesterId: result.requesterId } : {}),
        },
      };
    },
    async find(packet): Promise<FindResult> {
      const result = await options.client.findByExternalId(packet.handoffKey);
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
