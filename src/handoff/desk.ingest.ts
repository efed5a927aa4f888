// What a desk's webhook calls with a mapped DeskEvent: finds the conversation the desk's chat or ticket
// belongs to (escalation_integrations.external_id) and handles the event as a turn. A ticket status that
// the conversation no longer takes as a turn (the visitor moved on) still updates our ticket.
import type { Engine } from '../engine/engine.ts';
import type { HandleResult } from '../engine/inbound.ts';
import type { DeskEvent } from './desk-event.port.ts';
import type { HandoffRecords } from './handoff.records.ts';

export type DeskIngestResult = (HandleResult & { sessionId: string }) | { outcome: 'unknown_conversation' };

export function createDeskIngest(deps: {
  engine: Pick<Engine, 'handle'>;
  records: Pick<HandoffRecords, 'byExternalId' | 'setTicketStatus'>;
  now: () => Date;
}) {
  async function ingestDeskEvent(event: DeskEvent): Promise<DeskIngestResult> {
    const found = await deps.records.byExternalId(event.desk, event.externalId);
    if (!found) return { outcome: 'unknown_conversation' };
    const result = await deps.engine.handle(found.sessionId, { kind: 'desk', event });
    if (result.outcome === 'not_accepted' && event.kind === 'ticket_status_changed')
      await deps.records.setTicketStatus(found.handoffKey, event.status, deps.now());
    return { ...result, sessionId: found.sessionId };
  }
  return { ingestDeskEvent };
}

export type DeskIngest = ReturnType<typeof createDeskIngest>;
