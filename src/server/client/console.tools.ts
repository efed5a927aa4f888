// The operator tools, each in its own file, placed around the conversation's own elements: canned
// replies above the reply box, internal notes beside and below it, transfer in the action bar.
import { attachCannedReplies } from './console.canned.ts';
import { cannedRepliesDialog } from './console.canned.view.ts';
import { notesView } from './console.notes.view.ts';
import type { ConsoleShell } from './console.shell.ts';
import { transferView } from './console.transfer.view.ts';
import { $ } from './dom.ts';

export function placeOperatorTools(
  shell: ConsoleShell,
  conversation: { element: HTMLElement; replyBox: HTMLTextAreaElement },
) {
  const canned = attachCannedReplies(shell, conversation.replyBox);
  const cannedAdmin = cannedRepliesDialog(shell, () => canned.invalidate());
  const notes = notesView(shell, $(conversation.element, '#transcript'));
  const transfer = transferView(shell);
  const replyForm = $(conversation.element, '#reply-form');
  replyForm.before(canned.element);
  replyForm.append(notes.toggle);
  replyForm.after(notes.form);
  $(conversation.element, '.actions').append(transfer.button);
  $(conversation.element, '#escalate-form').after(transfer.form);
  return { cannedAdmin, notes };
}
