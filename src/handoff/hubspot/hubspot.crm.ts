// HubSpot as the CRM port: contacts found by e-mail or phone (one search, two filter groups ORed) before
// one is created, filled in rather than overwritten, a 409 on create taken as "this is the contact" (the
// search index lags behind creates by seconds), and notes associated with the contact, found again by the
// reference line they carry.
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts/index.js';
import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/objects/notes/index.js';
import type { CrmContactResult, CrmLookup, CrmNote, CrmPerson, CrmPort } from '../crm.port.ts';
import type { FindResult } from '../handoff.target.ts';
import type { DeliveryResult } from '../vendor.http.ts';
import type { HubSpotClient } from './hubspot.client.ts';
import {
  CONTACT_PROPERTIES,
  carriesMarker,
  contactProperties,
  existingIdOf,
  missingProperties,
  NOTE_TO_CONTACT,
  noteProperties,
  pickContact,
} from './hubspot.mapping.ts';

export function createHubSpotCrm(client: HubSpotClient): CrmPort {
  async function search(person: CrmPerson) {
    const wanted = contactProperties(person);
    const groups = (['email', 'phone'] as const)
      .filter((p) => wanted[p])
      .map((p) => ({
        filters: [{ propertyName: p, operator: FilterOperatorEnum.Eq, value: wanted[p] ?? '' }],
      }));
    if (groups.length === 0) return { ok: true as const, value: null };
    const found = await client.call('contact search', (c) =>
      c.crm.contacts.searchApi.doSearch({
        filterGroups: groups,
        properties: [...CONTACT_PROPERTIES],
        limit: 10,
      }),
    );
    if (!found.ok) return found;
    return { ok: true as const, value: pickContact(found.value.results, person) };
  }

  return {
    name: 'hubspot',

    async findContact(person): Promise<CrmLookup> {
      const found = await search(person);
      if (!found.ok) return found;
      return { ok: true, contactId: found.value?.id ?? null };
    },

    async upsertContact(person): Promise<CrmContactResult> {
      const found = await search(person);
      if (!found.ok) return found;
      if (found.value) {
        const contact = found.value;
        const missing = missingProperties(contact.properties, person);
        if (Object.keys(missing).length > 0) {
          const updated = await client.call('contact update', (c) =>
            c.crm.contacts.basicApi.update(contact.id, { properties: missing }),
          );
          if (!updated.ok) return updated;
        }
        return { ok: true, contactId: contact.id, created: false };
      }
      const created = await client.call('contact create', (c) =>
        c.crm.contacts.basicApi.create({ properties: contactProperties(person), associations: [] }),
      );
      if (created.ok) return { ok: true, contactId: created.value.id, created: true };
      const existing = created.status === 409 ? existingIdOf(created.body) : null;
      if (existing) return { ok: true, contactId: existing, created: false };
      return created;
    },

    async addNote(contactId, note): Promise<DeliveryResult> {
      const created = await client.call('note create', (c) =>
        c.crm.objects.notes.basicApi.create({
          properties: noteProperties(note),
          associations: [
            {
              to: { id: contactId },
              types: [
                {
                  associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
                  associationTypeId: NOTE_TO_CONTACT,
                },
              ],
            },
          ],
        }),
      );
      if (!created.ok) return created.result;
      return { outcome: 'delivered', externalId: created.value.id };
    },

    async findNote(contactId, note: CrmNote): Promise<FindResult> {
      const found = await client.call('note search', (c) =>
        c.crm.objects.notes.searchApi.doSearch({
          filterGroups: [
            {
              filters: [
                { propertyName: 'associations.contact', operator: FilterOperatorEnum.Eq, value: contactId },
              ],
            },
          ],
          properties: ['hs_note_body', 'hs_timestamp'],
          limit: 100,
        }),
      );
      if (!found.ok) return found.result;
      const mine = found.value.results.find((n) => carriesMarker(n.properties.hs_note_body, note.key));
      return mine
        ? { outcome: 'delivered', externalId: mine.id, metadata: { foundAfterDoubt: true } }
        : { outcome: 'absent' };
    },
  };
}
