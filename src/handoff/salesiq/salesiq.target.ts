// SalesIQ as a handoff target: one visitor conversation per handoff, in the department routing chose.
import type { FindResult, HandoffTarget } from '../handoff.target.ts';
import type { HandoffPacket } from '../packet.ts';
import type { DeliveryResult } from '../vendor.http.ts';
import type { SalesIqClient } from './salesiq.client.ts';
import { referenceLine, toSalesIqConversation } from './salesiq.mapping.ts';

export interface SalesIqTargetOptions {
  client: SalesIqClient;
  appId: string;
  departmentFor: (packet: HandoffPacket) => string;
}

/** How far before the handoff commit a conversation may have started and still be ours (clock skew). */
const LOOKBACK_MS = 5 * 60_000;

export function createSalesIqTarget(options: SalesIqTargetOptions): HandoffTarget {
  return {
    name: 'salesiq',
    async deliver(packet): Promise<DeliveryResult> {
      const departmentId = options.departmentFor(packet);
      const result = await options.client.createConversation(
        toSalesIqConversation(packet, { appId: options.appId, departmentId }),
      );
      if (!result.ok) return result.result;
      return {
        outcome: 'delivered',
        externalId: result.id,
        metadata: {
          departmentId,
          ...(result.referenceId ? { referenceId: result.referenceId } : {}),
          ...(result.chatId ? { chatId: result.chatId } : {}),
        },
      };
    },
    async find(packet): Promise<FindResult> {
      const departmentId = options.departmentFor(packet);
      const result = await options.client.findConversation(
        { appId: options.appId, departmentId, sinceMs: Date.parse(packet.createdAt) - LOOKBACK_MS },
        referenceLine(packet),
      );
      if (!result.ok) return result.result;
      return result.id
        ? { outcome: 'delivered', externalId: result.id, metadata: { departmentId, foundAfterDoubt: true } }
        : { outcome: 'absent' };
    },
  };
}
