// The side panel: what the bot found (priority, sentiment, category, triggers, keywords, what the visitor
// told us), the summary, where the handoff went, and the path through the states, in words.
import { targetLabel } from '../../handoff/handoff.target.ts';
import { clock, label, stateName, webLink } from './console.format.ts';
import type { Conversation } from './console.store.ts';
import { type Child, h } from './dom.ts';

/** The QA routes want the bearer token, so their answers are fetched here rather than linked. */
async function fetchQa(path: string, token: string | null): Promise<Blob> {
  const res = await fetch(`/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.blob();
}

/** "★ 4/5 “quick and kind”", the latest first; earlier segments' ratings after it. */
function ratingLine(ratings: Conversation['satisfaction']) {
  return h(
    'span',
    { class: 'rating', id: 'conv-rating' },
    ratings.map((r) => `★ ${r.rating}/5${r.comment ? ` “${r.comment}”` : ''}`).join(' · '),
  );
}

/** `visitor`: the visitor panel, shown above what the bot found. */
export function findingsView(token: () => string | null, visitor?: HTMLElement) {
  const diagram = h(
    'dialog',
    { id: 'diagram', 'aria-labelledby': 'diagram-title', class: 'diagram' },
    h('h2', { id: 'diagram-title' }, 'Where this conversation went'),
    h('img', { id: 'diagram-img', alt: 'State diagram of this conversation, its path highlighted' }),
    h('form', { method: 'dialog' }, h('button', { class: 'primary' }, 'Close')),
  );
  const qaError = h('p', { class: 'error', role: 'alert', id: 'qa-error' });
  async function showDiagram(id: string) {
    try {
      // As a data: URL in an <img>: the SVG is drawn but never runs, and the CSP allows data: images.
      const svg = await (
        await fetchQa(`/conversations/${encodeURIComponent(id)}/diagram.svg`, token())
      ).text();
      (diagram.querySelector('img') as HTMLImageElement).src =
        `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
      qaError.textContent = '';
      diagram.showModal();
    } catch (e) {
      qaError.textContent = `Could not load the diagram: ${(e as Error).message}`;
    }
  }
  async function downloadTrace(id: string) {
    try {
      const blob = await fetchQa(`/sessions/${encodeURIComponent(id)}/trace`, token());
      const link = h('a', { href: URL.createObjectURL(blob), download: `${id}.jsonl` });
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      qaError.textContent = '';
    } catch (e) {
      qaError.textContent = `Could not export the trace: ${(e as Error).message}`;
    }
  }

  const box = h(
    'div',
    { id: 'findings' },
    h('p', { class: 'muted' }, 'Open a conversation to see its details.'),
  );
  const element = h(
    'aside',
    { class: 'findings', 'aria-labelledby': 'findings-title' },
    h('button', { type: 'button', class: 'phone-only', id: 'details-close' }, '← Conversation'),
    visitor,
    h('h2', { id: 'findings-title' }, 'What the bot found'),
    box,
    diagram,
  );
  let findingsKey = '';
  function render(data: Conversation | null) {
    const key = data
      ? JSON.stringify([
          data.findings,
          data.escalation?.id,
          data.state,
          data.deliveries,
          data.handledIn,
          data.satisfaction,
        ])
      : '';
    if (key === findingsKey) return;
    findingsKey = key;
    if (!data) {
      box.replaceChildren(h('p', { class: 'muted' }, 'Open a conversation to see its details.'));
      return;
    }
    const f = data.findings;
    const chips = (values: string[]) =>
      values.length
        ? h('span', { class: 'chips' }, ...values.map((v) => h('span', { class: 'chip' }, label(v))))
        : '—';
    const row = (name: string, value: Child) => [h('dt', {}, name), h('dd', {}, value)];
    box.replaceChildren(
      h(
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
      ),
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
      h('p', { class: 'summary' }, f.summary || '—'),
      ...(data.deliveries.length
        ? [
            h('h3', {}, 'Handed off to'),
            h(
              'ul',
              { class: 'deliveries', id: 'deliveries' },
              ...data.deliveries.map((d) =>
                h(
                  'li',
                  { 'data-target': d.target, 'data-status': d.status },
                  h('span', {}, targetLabel(d.target)),
                  ' ',
                  webLink(d.externalUrl)
                    ? h(
                        'a',
                        {
                          href: webLink(d.externalUrl) ?? '',
                          target: '_blank',
                          rel: 'noopener',
                          class: 'external-id',
                        },
                        d.externalId ?? 'open',
                      )
                    : d.target === 'console' || !d.externalId
                      ? ''
                      : h('span', { class: 'external-id' }, d.externalId),
                  ' · ',
                  h(
                    'span',
                    { class: `delivery-${d.status}`, title: d.lastError ?? '' },
                    d.status === 'pending' && d.attempts > 1 ? `retrying (${d.attempts} attempts)` : d.status,
                  ),
                  // Where the case stands on the desk: "answered in SalesIQ by Maria", "Zendesk #123 solved".
                  ...(d.deskSummary
                    ? [
                        ' · ',
                        h(
                          'span',
                          { class: 'desk-status', 'data-desk-status': d.deskStatus ?? '' },
                          d.deskSummary,
                        ),
                      ]
                    : []),
                ),
              ),
            ),
          ]
        : []),
      h('h3', {}, 'State path'),
      h(
        'ol',
        { class: 'path' },
        ...f.statePath.map((s) =>
          h('li', {}, h('span', {}, stateName(s.state)), h('time', { datetime: s.at }, clock(s.at))),
        ),
        f.statePath.at(-1)?.state === data.state
          ? null
          : h('li', { class: 'now' }, h('span', {}, stateName(data.state)), h('time', {}, 'now')),
      ),
      h(
        'p',
        { class: 'qa-links' },
        qaButton('State diagram', () => showDiagram(data.conversationId)),
        qaButton('Export trace', () => downloadTrace(data.conversationId)),
      ),
      qaError,
    );
  }

  function qaButton(text: string, run: () => Promise<void>) {
    const button = h('button', { type: 'button', class: 'link-button' }, text);
    button.addEventListener('click', () => void run());
    return button;
  }

  return { element, render };
}
