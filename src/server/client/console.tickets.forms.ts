// The open ticket's two forms: a reply to the requester (or an internal note), and resolving it with notes
// and a resolution category.
import { RESOLUTION_CATEGORIES } from '../operator.constants.ts';
import { label } from './console.format.ts';
import { h, selectBox } from './dom.ts';

export function replyForm(onSend: (text: string, isPublic: boolean) => void) {
  const text = h('textarea', { id: 'ticket-reply', rows: '3', required: true });
  const note = h('input', { type: 'checkbox', id: 'ticket-note' });
  const form = h(
    'form',
    { class: 'inline-form', id: 'ticket-reply-form', 'aria-label': 'Reply' },
    h('label', { for: 'ticket-reply' }, 'Reply to the requester'),
    text,
    h('label', { class: 'check' }, note, ' Internal note (the requester does not see it)'),
    h('div', { class: 'form-buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Send')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (text.value.trim()) onSend(text.value.trim(), !note.checked);
  });
  return form;
}

/** `onMissingNotes`: a ticket is not resolved without saying what was done. */
export function resolveForm(
  onResolve: (resolution: { resolutionNotes: string; resolutionCategory: string }) => void,
  onMissingNotes: () => void,
) {
  const notes = h('textarea', { id: 'ticket-resolve-notes', rows: '2', required: true });
  const category = selectBox(
    'ticket-resolve-category',
    null,
    RESOLUTION_CATEGORIES.map((c) => [c, label(c)] as const),
  );
  const form = h(
    'form',
    { class: 'inline-form', id: 'ticket-resolve-form', 'aria-label': 'Resolve the ticket' },
    h('label', { for: 'ticket-resolve-notes' }, 'Resolution notes'),
    notes,
    h('label', { for: 'ticket-resolve-category' }, 'Resolution'),
    category,
    h('div', { class: 'form-buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Resolve')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!notes.value.trim()) return onMissingNotes();
    onResolve({ resolutionNotes: notes.value.trim(), resolutionCategory: category.value });
  });
  return form;
}
