// Where the visitor is writing from, as the widget reports it: page, referrer, browser, time zone and
// language (absent before the widget sends them).
import { webLink } from './console.format.ts';
import type { Conversation } from './console.store.ts';
import { type Child, h } from './dom.ts';

interface VisitorContext {
  pageUrl?: string;
  referrer?: string;
  userAgent?: string;
  timeZone?: string;
  locale?: string;
}

function visitorContextOf(data: Conversation): VisitorContext | null {
  const visitor: unknown = (data as { visitor?: unknown }).visitor;
  return visitor && typeof visitor === 'object' ? (visitor as VisitorContext) : null;
}

/** A definition list of what is known, or nothing. */
export function visitorContextRows(data: Conversation): Child[] {
  const context = visitorContextOf(data);
  if (!context) return [];
  const rows: Array<[string, Child]> = [];
  const page = webLink(context.pageUrl ?? null);
  if (context.pageUrl)
    rows.push([
      'Page',
      page ? h('a', { href: page, target: '_blank', rel: 'noopener' }, page) : context.pageUrl,
    ]);
  if (context.referrer) rows.push(['Came from', context.referrer]);
  if (context.userAgent) rows.push(['Browser', context.userAgent]);
  if (context.timeZone) rows.push(['Time zone', context.timeZone]);
  if (context.locale) rows.push(['Language', context.locale]);
  return rows.length
    ? [h('dl', { class: 'visitor-context' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))]
    : [];
}
