// Who the visitor is to us, from their contact: name and tier, lead score, lifetime value, average
// rating and tags, and the identities (e-mail, phone, channel ids) that link them.
import type { ContactHistory } from '../contacts.schemas.ts';
import { label } from './console.format.ts';
import { h } from './dom.ts';

type Contact = ContactHistory['contact'];

const term = (name: string, value: Node | string) => [h('dt', {}, name), h('dd', {}, value)];

function facts(c: Contact, ratings: number[]) {
  return h(
    'dl',
    {},
    ...term('Lead score', String(c.leadScore)),
    ...term('Lifetime value', c.lifetimeValue.toLocaleString(undefined, { maximumFractionDigits: 2 })),
    ...(ratings.length
      ? term(
          'Ratings',
          `${(ratings.reduce((a, b) => a + b, 0) / ratings.length).toFixed(1)} / 5 (${ratings.length})`,
        )
      : []),
    ...(c.tags.length
      ? term('Tags', h('span', { class: 'chips' }, ...c.tags.map((t) => h('span', { class: 'chip' }, t))))
      : []),
  );
}

export function contactCard(c: Contact, ratings: number[]): Node[] {
  return [
    h(
      'p',
      { class: 'contact-name', id: 'contact-name' },
      h('strong', {}, c.name ?? 'Unnamed contact'),
      ' ',
      h('span', { class: `tier-tag tier-${c.tier}`, id: 'contact-tier' }, c.tier),
    ),
    facts(c, ratings),
    h(
      'ul',
      { class: 'identities', id: 'contact-identities' },
      ...c.identities.map((i) => h('li', {}, h('span', { class: 'muted' }, `${label(i.kind)} `), i.value)),
    ),
  ];
}
