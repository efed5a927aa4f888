// The line under the top bar that tells an agent a colleague transferred a chat to them, with a button
// that opens it (and an alert, when alerts are on).
import type { createAttention } from './console.attention.ts';
import type { NoteItem } from './console.notes.view.ts';
import type { ConsoleShell } from './console.shell.ts';
import { h } from './dom.ts';

export function transferAlert(shell: ConsoleShell, attention: ReturnType<typeof createAttention>) {
  const element = h('p', { class: 'tool-alert', id: 'tool-alert', role: 'status', hidden: true });
  /** Any note arrives here; only a transfer to me, by someone else, is announced. */
  function announce(note: NoteItem) {
    const self = shell.me()?.id;
    if (note.kind !== 'transfer' || note.toAgentId !== self || note.authorId === self) return;
    const from = shell.operatorName(note.authorId) ?? 'A colleague';
    const openIt = h('button', { type: 'button', class: 'link', id: 'tool-alert-open' }, 'Open it');
    openIt.addEventListener('click', () => {
      element.hidden = true;
      shell.open(note.conversationId);
    });
    element.replaceChildren(`${from} transferred a chat to you: “${note.text}” `, openIt);
    element.hidden = false;
    attention.alert('Chat transferred to you', note.text.slice(0, 120), note.conversationId);
    shell.scheduleQueueRefresh(100);
  }
  return { element, announce };
}
