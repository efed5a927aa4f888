// Reading a handoff's rows back: the escalation with its frozen packet (parsed), a target's delivery row,
// and the handoff a desk's conversation or ticket id belongs to.
import { z } from 'zod';
import type { HandoffRecordsRepository } from '../../storage/handoff-records.repository.ts';
import type { TargetName } from '../handoff.target.ts';
import { type HandoffPacket, handoffPacketSchema } from '../packet.ts';

export interface EscalationRecord {
  id: string;
  status: string;
  packet: HandoffPacket;
}

export interface IntegrationRecord {
  status: 'pending' | 'delivered' | 'failed';
  externalId: string | null;
  externalUrl: string | null;
  attempts: number;
  lastError: string | null;
  /** The last attempt may have reached the vendor without us learning the outcome. */
  inDoubt: boolean;
}

/** A stored delivery status; anything not finished (including an unknown value) is still pending. */
export const deliveryStatus = (raw: string): IntegrationRecord['status'] =>
  raw === 'delivered' || raw === 'failed' ? raw : 'pending';

const metadataSchema = z.object({ inDoubt: z.boolean().optional() }).passthrough();

export function handoffRecordReads(repository: HandoffRecordsRepository) {
  return {
    async findEscalation(handoffKey: string): Promise<EscalationRecord | null> {
      const row = await repository.escalationByKey(handoffKey);
      if (!row) return null;
      return { id: row.id, status: row.status, packet: handoffPacketSchema.parse(row.packet) };
    },

    async integration(key: string, target: TargetName): Promise<IntegrationRecord | null> {
      const row = await repository.integration(key, target);
      if (!row) return null;
      return {
        status: deliveryStatus(row.status),
        externalId: row.externalId,
        externalUrl: row.externalUrl,
        attempts: row.attempts,
        lastError: row.lastError,
        inDoubt: metadataSchema.safeParse(row.metadata).data?.inDoubt ?? false,
      };
    },

    /** The handoff a desk's conversation / ticket belongs to: the session and the handoff key. */
    async byExternalId(
      target: TargetName,
      externalId: string,
    ): Promise<{ sessionId: string; handoffKey: string } | null> {
      const row = await repository.byExternalId(target, externalId);
      return row ? { sessionId: row.sessionId, handoffKey: row.key } : null;
    },
  };
}
