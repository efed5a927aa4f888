// The customer priority table as a pure function. Risks covered: a rule that compounds message after
// message (a VIP ending up urgent because they wrote three times); a rule that raises only the message and
// not the conversation (a VIP recognised mid-chat staying at the priority strangers get); a floor that
// lowers; a malformed rule file that starts anyway.
import { describe, expect, it } from 'vitest';
import type { CustomerFacts } from '../../src/contacts/contact.types.ts';
import {
  applyCustomerPriority,
  loadCustomerPriority,
  parseCustomerPriority,
} from '../../src/detection/customer-priority.ts';

const table = parseCustomerPriority(
  `rules:
  - { name: vip, when: { tier: [vip, gold] }, raise: 1 }
  - { name: big_spender, when: { lifetimeValueAtLeast: 10000 }, atLeast: high }
  - { name: repeat, when: { recentEscalationsAtLeast: 2, openTicketsAtLeast: 1 }, raise: 1 }`,
  'test',
);
const facts = (over: Partial<CustomerFacts> = {}): CustomerFacts => ({
  contactId: 'c1',
  tier: 'standard',
  lifetimeValue: 0,
  openTickets: 0,
  recentEscalations: 0,
  ...over,
});

describe('priority by customer', () => {
  it('raises a VIP one step, and a stranger not at all', () => {
    expect(applyCustomerPriority('medium', facts({ tier: 'vip' }), table)).toMatchObject({
      priority: 'high',
      fired: ['vip'],
    });
    expect(applyCustomerPriority('medium', facts(), table)).toEqual({
      priority: 'medium',
      fired: [],
      reasons: [],
    });
  });

  it("raises the conversation's priority the first time, then only each message's own", () => {
    const first = applyCustomerPriority('low', facts({ tier: 'gold' }), table, {
      priority: 'medium',
      fired: [],
    });
    expect(first.priority).toBe('high');
    const again = applyCustomerPriority('low', facts({ tier: 'gold' }), table, {
      priority: 'high',
      fired: ['vip'],
    });
    expect(again.priority).toBe('medium');
    const angry = applyCustomerPriority('high', facts({ tier: 'gold' }), table, {
      priority: 'high',
      fired: ['vip'],
    });
    expect(angry.priority).toBe('urgent');
  });

  it('sets floors without lowering, and needs every condition of a rule', () => {
    expect(applyCustomerPriority('low', facts({ lifetimeValue: 12_000 }), table).priority).toBe('high');
    expect(applyCustomerPriority('urgent', facts({ lifetimeValue: 12_000 }), table).fired).toEqual([]);
    expect(applyCustomerPriority('low', facts({ recentEscalations: 3 }), table).fired).toEqual([]);
    expect(
      applyCustomerPriority('low', facts({ recentEscalations: 3, openTickets: 1 }), table),
    ).toMatchObject({
      priority: 'medium',
      fired: ['repeat'],
    });
  });

  it('refuses a malformed table naming the file and the rule', () => {
    expect(() =>
      parseCustomerPriority('rules:\n  - { name: vip, when: {}, raise: 1 }', 'rules.yaml'),
    ).toThrow(/^rules\.yaml: rules\.0\.when: a rule needs at least one condition/);
    expect(() =>
      parseCustomerPriority(
        'rules:\n  - { name: vip, when: { tier: vip }, raise: 1, atLeast: high }',
        'r.yaml',
      ),
    ).toThrow(/either raise or atLeast/);
    expect(loadCustomerPriority().rules.map((r) => r.name)).toEqual(['vip', 'high_value']);
  });
});
