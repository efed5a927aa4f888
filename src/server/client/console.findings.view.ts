// The side panel: what the bot found (priority, sentiment, category, triggers, keywords, what the visitor
// told us), the summary, where the handoff went, and the path through the states, in words.
import { targetLabel } from '../../handoff/handoff.target.ts';
import { deliveriesList, findingsList, statePath } from './console.findings.parts.ts';
import { qaTools } from './console.findings.qa.ts';
import type { Conversation } from './console.store.ts';
import { h } from './dom.ts';

const nothingOpen = () => h('p', { class: 'muted' }, 'Open a conversation to see its details.');

/** What the panel shows changes only with these: anything else (a new message) does not redraw it. */
const findingsKey = (data: Conversation | null) =>
  data
    ? JSON.stringify([
        data.findings,
        data.escalation?.id,
        data.state,
        data.deliveries,
        data.handledIn,
        data.satisfaction,
      ])
    : '';

/** `visitor`: the visitor panel, shown above what the bot found. */
export function findingsView(token: () => string | null, visitor?: HTMLElement) {
  const qa = qaTools(token);
  const box = h('div', { id: 'findings' }, nothingOpen());
  const element = h(
    'aside',
    { class: 'findings', 'aria-labelledby': 'findings-title' },
    h('button', { type: 'button', class: 'phone-only', id: 'details-close' }, '← Conversation'),
    visitor,
    h('h2', { id: 'findings-title' }, 'What the bot found'),
    box,
    qa.diagram,
  );
  let shownKey = '';
  function render(data: Conversation | null) {
    const key = findingsKey(data);
    if (key === shownKey) return;
    shownKey = key;
    if (!data) return box.replaceChildren(nothingOpen());
    box.replaceChildren(
      findingsList(data),
      ...(data.handledIn
        ? [
            h(
              'p',
              { class: 'handled-elsewhere', id: 'handled-in', role: 'note' },
              `This live chat was handed to ${targetLabel(data.handledIn)}: answer the visitor there.`,
            ),
          ]
        : []),
      h('h3', {}, 'Summary'),
      h('p', { class: 'summary' }, data.findings.summary || '—'),
      ...(data.deliveries.length ? [h('h3', {}, 'Handed off to'), deliveriesList(data.deliveries)] : []),
      h('h3', {}, 'State path'),
      statePath(data),
      qa.links(data.conversationId),
      qa.error,
    );
  }
  return { element, render };
}
