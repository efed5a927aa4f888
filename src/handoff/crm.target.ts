// A CRM as a handoff target: the handover's note on the visitor's contact (upserted first). A side
// delivery (never critical): a CRM that is down does not keep a visitor from their live chat or ticket.
import { crmPersonOf, handoverNote } from './crm.notes.ts';
import { type CrmPort, deliverCrmNote, findCrmNote } from './crm.port.ts';
import type { FindResult, HandoffTarget } from './handoff.target.ts';
import type { DeliveryResult } from './vendor.http.ts';

export function createCrmTarget(crm: CrmPort): HandoffTarget {
  return {
    name: crm.name,
    async deliver(packet): Promise<DeliveryResult> {
      const person = crmPersonOf(packet);
      if (!person) return { outcome: 'failed', error: 'no e-mail or phone to find the contact by' };
      return deliverCrmNote(crm, person, handoverNote(packet));
    },
    async find(packet): Promise<FindResult> {
      const person = crmPersonOf(packet);
      if (!person) return { outcome: 'absent' };
      return findCrmNote(crm, person, handoverNote(packet));
    },
  };
}
