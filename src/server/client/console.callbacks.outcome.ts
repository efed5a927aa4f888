// The outcome of a call, recorded from the open callback: done, no answer (rescheduled in two hours, or at
// the time given) or cancelled, with notes.
import { h } from './dom.ts';

const doneNotice = (outcome: string) =>
  outcome === 'done'
    ? 'Done.'
    : outcome === 'no_answer'
      ? 'No answer: rescheduled; you will be reminded when the new window opens.'
      : 'Cancelled.';

/** `onOutcome`: the PATCH body and what to say once it is recorded. */
export function outcomeForm(onOutcome: (body: Record<string, unknown>, done: string) => void) {
  const notes = h('textarea', { id: 'callback-notes', rows: '2' });
  const retry = h('input', { id: 'callback-retry', type: 'datetime-local' });
  const form = h(
    'form',
    { class: 'inline-form', id: 'callback-form', 'aria-label': 'Outcome of the call' },
    h('label', { for: 'callback-notes' }, 'Notes'),
    notes,
    h('label', { for: 'callback-retry' }, 'If nobody answers, try again at (default: in 2 hours)'),
    retry,
    h(
      'div',
      { class: 'form-buttons' },
      h('button', { type: 'submit', class: 'primary', value: 'done', id: 'callback-done' }, 'Done'),
      h('button', { type: 'submit', value: 'no_answer', id: 'callback-no-answer' }, 'No answer'),
      h('button', { type: 'submit', value: 'cancelled', id: 'callback-cancel' }, 'Cancelled'),
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const outcome = (e.submitter as HTMLButtonElement | null)?.value ?? 'done';
    const body: Record<string, unknown> = { outcome };
    if (notes.value.trim()) body.notes = notes.value.trim();
    if (outcome === 'no_answer' && retry.value) body.retryAt = new Date(retry.value).toISOString();
    onOutcome(body, doneNotice(outcome));
  });
  return form;
}
