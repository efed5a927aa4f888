// The message log. It is updated in place (new bubbles inserted, old ones kept), so a screen reader
// announces only what is new instead of re-reading the whole conversation; and it keeps its newest message
// in view while anything around it changes height, unless the visitor scrolled up to read.
import { h } from './dom.ts';
import type { Say } from './widget.messages.ts';
import { initials } from './widget.status.ts';
import type { WidgetMessage } from './widget.store.ts';

export interface MessageLog {
  render(messages: WidgetMessage[]): void;
  /** Scrolls to the newest message unless the visitor scrolled up (after the rows below the log changed). */
  keepNewestInView(): void;
}

const keyOf = (m: WidgetMessage) => (m.pending || m.failed ? `p:${m.clientMessageId}` : `s:${m.seq}`);

/** A run of messages from the same author within five minutes shows the name once. */
const sameRun = (previous: WidgetMessage | undefined, m: WidgetMessage) =>
  previous !== undefined &&
  previous.role === m.role &&
  previous.author === m.author &&
  Date.parse(m.at) - Date.parse(previous.at) < 300_000;

interface BubbleWords {
  /** Who a message without an author is from ("You", "Assistant"); none for system lines. */
  roleNames: Record<WidgetMessage['role'], string>;
  clock(iso: string): string;
}

function bubbleWords(say: Say, language: string): BubbleWords {
  return {
    roleNames: {
      visitor: say('role.visitor'),
      bot: say('role.bot'),
      operator: say('role.operator'),
      system: '',
    },
    clock: (iso) => new Date(iso).toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit' }),
  };
}

function bubbleFor(m: WidgetMessage, { roleNames, clock }: BubbleWords): HTMLElement {
  const bubble = h('div', { 'data-role': m.role });
  const who = m.author ?? roleNames[m.role];
  if (who)
    bubble.append(
      h(
        'span',
        { class: 'who' },
        m.role === 'operator' ? h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(who)) : null,
        h('span', { class: 'name' }, who),
        m.pending || m.failed ? null : h('time', { datetime: m.at }, clock(m.at)),
      ),
    );
  bubble.append(document.createTextNode(m.text));
  return bubble;
}

/** A failed message gets a Retry button (sending it again with its clientMessageId); a sent one loses it. */
function showRetry(bubble: HTMLElement, m: WidgetMessage, say: Say, onRetry: (id: string) => void) {
  const retry = bubble.querySelector('.retry');
  if (m.failed && !retry && m.clientMessageId) {
    const id = m.clientMessageId;
    const button = h(
      'button',
      { type: 'button', class: 'retry', 'aria-label': say('retry.label', { text: m.text }) },
      say('retry.text'),
    );
    button.addEventListener('click', () => onRetry(id));
    bubble.append(button);
  } else if (!m.failed && retry) retry.remove();
}

export function messageLog(
  log: HTMLElement,
  say: Say,
  language: string,
  onRetry: (clientMessageId: string) => void,
): MessageLog {
  const words = bubbleWords(say, language);
  const bubbles = new Map<string, HTMLElement>();
  let pinned = true;
  const keepNewestInView = () => {
    if (pinned) log.scrollTop = log.scrollHeight;
  };
  log.addEventListener('scroll', () => {
    pinned = log.scrollHeight - log.scrollTop - log.clientHeight < 8;
  });
  new ResizeObserver(keepNewestInView).observe(log);

  function render(messages: WidgetMessage[]) {
    const wanted = new Set(messages.map(keyOf));
    for (const [key, node] of bubbles)
      if (!wanted.has(key)) {
        node.remove();
        bubbles.delete(key);
      }
    let cursor = log.firstElementChild;
    let added = false;
    let previous: WidgetMessage | undefined;
    for (const m of messages) {
      const key = keyOf(m);
      let bubble = bubbles.get(key);
      if (!bubble) {
        bubble = bubbleFor(m, words);
        bubbles.set(key, bubble);
        added = true;
      }
      const grouped = sameRun(previous, m);
      previous = m;
      bubble.className = `msg ${m.role}${grouped ? ' grouped' : ''}${m.pending ? ' pending' : ''}${m.failed ? ' failed' : ''}`;
      showRetry(bubble, m, say, onRetry);
      if (bubble === cursor) cursor = cursor.nextElementSibling;
      else log.insertBefore(bubble, cursor);
    }
    if (added) pinned = true;
    keepNewestInView();
  }
  return { render, keepNewestInView };
}
