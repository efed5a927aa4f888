// The pieces of the findings panel, each rendered from the open conversation: what the bot found, where
// the handoff went (and where the case stands on the desk), and the path through the states.
import { targetLabel } from '../../handoff/handoff.target.ts';
import { clock, label, stateName, webLink } from './console.format.ts';
import type { Conversation, Delivery } from './console.store.ts';
import { type Child, h } from './dom.ts';

/** "★ 4/5 “quick and kind”", the latest first; earlier segments' ratings after it. */
function ratingLine(ratings: Conversation['satisfaction']) {
  return h(
    'span',
    { class: 'rating', id: 'conv-rating' },
    ratings.map((r) => `★ ${r.rating}/5${r.comment ? ` “${r.comment}”` : ''}`).join(' · '),
  );
}

const chips = (values: string[]) =>
  values.length
    ? h('span', { class: 'chips' }, ...values.map((v) => h('span', { class: 'chip' }, label(v))))
    : '—';

const row = (name: string, value: Child) => [h('dt', {}, name), h('dd', {}, value)];

export function findingsList(data: Conversation) {
  const f = data.findings;
  return h(
    'dl',
    {},
    ...row('Priority', h('span', { class: `prio-tag prio-${f.priority}` }, f.priority)),
    ...row('Sentiment', `${label(f.sentiment.label)} (${f.sentiment.score.toFixed(2)})`),
    ...row('Category', label(f.category)),
    ...row('Journey stage', label(f.journeyStage)),
    ...row('Triggers', chips(f.triggers)),
    ...row('Reason', f.escalationReason ?? '—'),
    ...row('Keywords', chips(f.keywords)),
    ...(Object.keys(f.visitor).length
      ? row(
          'Visitor',
          Object.entries(f.visitor)
            .map(([k, v]) => `${k}: ${v}`)
            .join(' · '),
        )
      : []),
    ...row('Visitor wrote', `${f.messageCount} message${f.messageCount === 1 ? '' : 's'}`),
    ...(data.satisfaction.length ? row('Rating', ratingLine(data.satisfaction)) : []),
  );
}

/** The case's id at the target: a link when the vendor gave a web link, else the bare id. */
function externalId(d: Delivery) {
  const href = webLink(d.externalUrl);
  if (href)
    return h('a', { href, target: '_blank', rel: 'noopener', class: 'external-id' }, d.externalId ?? 'open');
  return d.target === 'console' || !d.externalId ? '' : h('span', { class: 'external-id' }, d.externalId);
}

function deliveryRow(d: Delivery) {
  return h(
    'li',
    { 'data-target': d.target, 'data-status': d.status },
    h('span', {}, targetLabel(d.target)),
    ' ',
    externalId(d),
    ' · ',
    h(
      'span',
      { class: `delivery-${d.status}`, title: d.lastError ?? '' },
      d.status === 'pending' && d.attempts > 1 ? `retrying (${d.attempts} attempts)` : d.status,
    ),
    // Where the case stands on the desk: "answered in SalesIQ by Maria", "Zendesk #123 solved".
    ...(d.deskSummary
      ? [' · ', h('span', { class: 'desk-status', 'data-desk-status': d.deskStatus ?? '' }, d.deskSummary)]
      : []),
  );
}

export function deliveriesList(deliveries: Delivery[]) {
  return h('ul', { class: 'deliveries', id: 'deliveries' }, ...deliveries.map(deliveryRow));
}

/** The states the conversation went through, and the one it is in now if the path has not caught up. */
export function statePath(data: Conversation) {
  const path = data.findings.statePath;
  return h(
    'ol',
    { class: 'path' },
    ...path.map((s) =>
      h('li', {}, h('span', {}, stateName(s.state)), h('time', { datetime: s.at }, clock(s.at))),
    ),
    path.at(-1)?.state === data.state
      ? null
      : h('li', { class: 'now' }, h('span', {}, stateName(data.state)), h('time', {}, 'now')),
  );
}
