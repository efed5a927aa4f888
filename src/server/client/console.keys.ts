// Keyboard shortcuts (listed in console.dialogs.view.ts): j/k move in the queue, t takes, r replies,
// / searches, Esc closes a form or clears the search, ? lists them. Ignored while typing in a field.
import type { ConsoleShell } from './console.shell.ts';

export interface ShortcutTargets {
  items: HTMLElement;
  search: HTMLInputElement;
  clearSearch(): void;
  replyBox: HTMLTextAreaElement;
  takeByKey(): void;
  help: HTMLDialogElement;
  /** A modal is open: its own keys only. */
  modalOpen(): boolean;
}

export function bindShortcuts(shell: ConsoleShell, t: ShortcutTargets): void {
  const { auth, convo } = shell;
  document.addEventListener('keydown', (event) => {
    if (!auth.getSnapshot().context.operator || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement;
    const typingInField = target.matches('input, textarea, select, [contenteditable]');
    if (event.key === 'Escape') {
      if (target === t.search) {
        event.preventDefault();
        t.clearSearch();
      }
      if (convo.getSnapshot().context.form) convo.trigger.formOpened({ form: null });
      if (typingInField) target.blur();
      return;
    }
    if (typingInField || t.modalOpen()) return;
    const buttons = [...t.items.querySelectorAll<HTMLButtonElement>('button.item')];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const move = (delta: number) => {
      event.preventDefault();
      const next = buttons[Math.max(0, Math.min(buttons.length - 1, index + delta))] ?? buttons[0];
      next?.focus();
    };
    switch (event.key) {
      case 'j':
      case 'ArrowDown':
        if (index >= 0 || event.key === 'j') move(index < 0 ? 0 : 1);
        break;
      case 'k':
      case 'ArrowUp':
        if (index >= 0 || event.key === 'k') move(index < 0 ? 0 : -1);
        break;
      case '/':
        event.preventDefault();
        t.search.focus();
        break;
      case 't':
        // Takes without moving the focus, so the hinted "t, then r" does not type an "r" into the reply.
        t.takeByKey();
        break;
      case 'r':
        if (!t.replyBox.disabled && convo.getSnapshot().context.id) {
          event.preventDefault();
          t.replyBox.focus();
        }
        break;
      case '?':
        t.help.showModal();
        break;
    }
  });
}
