// The conversation's transcript, appended in place (each message once, by its seq) and kept at the
// bottom while the operator is reading there, and the visitor's typing line under it.
import { clock } from './console.format.ts';
import type { ConsoleShell } from './console.shell.ts';
import type { Message, OpenConversation } from './console.store.ts';
import { h } from './dom.ts';

export function transcriptView(shell: ConsoleShell) {
  const element = h('div', {
    class: 'transcript',
    id: 'transcript',
    role: 'log',
    'aria-live': 'polite',
    'aria-label': 'Transcript',
    tabindex: '0',
  });
  const typingLine = h('p', { class: 'typing', id: 'visitor-typing', 'aria-live': 'polite' });
  let renderedConversation: string | null = null;
  let renderedSeqs = new Set<number>();

  function who(m: Message) {
    if (m.role === 'visitor') return 'Visitor';
    if (m.role === 'bot') return 'Bot';
    if (m.role !== 'operator') return 'System';
    return m.agentId === shell.me()?.id ? 'You' : (shell.operatorName(m.agentId ?? null) ?? 'Agent');
  }

  function bubble(m: Message) {
    return h(
      'div',
      { class: `msg ${m.role}`, 'data-seq': String(m.seq) },
      h('span', { class: 'who' }, who(m), h('time', { datetime: m.at }, clock(m.at))),
      h('span', { class: 'text' }, m.text),
    );
  }

  /** Appends what is new; another conversation starts from an empty transcript. */
  function render(c: OpenConversation & { id: string }) {
    if (renderedConversation !== c.id) {
      renderedConversation = c.id;
      renderedSeqs = new Set();
      element.replaceChildren();
    }
    const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
    let added = false;
    for (const m of c.messages) {
      if (renderedSeqs.has(m.seq)) continue;
      renderedSeqs.add(m.seq);
      element.append(bubble(m));
      added = true;
    }
    if (added && (atBottom || element.childElementCount === c.messages.length))
      element.scrollTop = element.scrollHeight;
  }

  /** No conversation open: the next one opened is drawn from scratch. */
  function reset() {
    renderedConversation = null;
  }

  /** Once a second: the visitor's typing line. */
  function tick(c: OpenConversation, now: number) {
    typingLine.textContent = c.visitorTypingUntil > now ? 'The visitor is typing…' : '';
  }
  return { element, typingLine, render, reset, tick };
}
