// HubSpot mapping rules. Risks covered: a chat overwriting what someone curated in the CRM; the wrong
// contact picked when a search by e-mail or phone returns several; a 409's existing contact id missed.
import { describe, expect, it } from 'vitest';
import {
  carriesMarker,
  existingIdOf,
  missingProperties,
  noteProperties,
  pickContact,
  splitName,
} from '../../src/handoff/hubspot/hubspot.mapping.ts';

describe('HubSpot mapping', () => {
  it('fills in only what the contact lacks', () => {
    expect(
      missingProperties(
        { email: 'ada@example.com', firstname: 'Augusta', lastname: null, phone: '' },
        { name: 'Ada Lovelace', email: 'ADA@example.com', phone: '+441234', channel: 'web' },
      ),
    ).toEqual({ lastname: 'Lovelace', phone: '+441234' });
    expect(splitName('  Ada   King Lovelace ')).toEqual({ firstname: 'Ada', lastname: 'King Lovelace' });
    expect(splitName('')).toEqual({});
  });

  it('picks the e-mail match before a phone match, the oldest on ties', () => {
    const results = [
      { id: '30', properties: { email: 'other@example.com', phone: '+441234' } },
      { id: '20', properties: { email: 'ada@example.com', phone: null } },
      { id: '10', properties: { email: 'x@example.com', phone: '+441234' } },
    ];
    expect(pickContact(results, { email: 'Ada@Example.com', phone: '+441234', channel: 'web' })?.id).toBe(
      '20',
    );
    expect(pickContact(results, { phone: '+441234', channel: 'web' })?.id).toBe('10');
    expect(pickContact(results, { email: 'nobody@example.com', channel: 'web' })).toBeNull();
  });

  it('reads the existing id of a 409 and finds a note by its reference, HTML-escaped', () => {
    expect(existingIdOf({ message: 'Contact already exists. Existing ID: 37765128953' })).toBe('37765128953');
    expect(existingIdOf({ message: 'Property values were not valid' })).toBeNull();
    const note = noteProperties({
      key: 's-1:4:0',
      kind: 'handover',
      at: '2026-12-02T03:00:00.000Z',
      title: 'Handover <to> live chat',
      lines: ['visitor: a & b'],
    });
    expect(note.hs_note_body).toContain('Handover &lt;to&gt; live chat');
    expect(note.hs_note_body).toContain('a &amp; b');
    expect(carriesMarker(note.hs_note_body, 's-1:4:0')).toBe(true);
    expect(carriesMarker(note.hs_note_body, 's-1:4:1')).toBe(false);
  });
});
