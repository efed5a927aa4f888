// The satisfaction survey the server asks for after a human resolved the chat (its quick replies rate_1 …
// rate_5): shown as five stars, a real radio group (arrow keys, one tab stop, read as "4 of 5: Very good"),
// and an optional comment, sent as the rating button and then the comment text, as the machine expects.
import { h } from './dom.ts';
import type { MessageKey, Say } from './widget.messages.ts';
import type { WidgetButton } from './widget.store.ts';

const RATING_ID = /^rate_([1-5])$/;

/** The server's rating quick replies, by score, when the offered buttons are exactly that survey. */
export function ratingButtons(buttons: readonly WidgetButton[]): Map<number, WidgetButton> | null {
  const byScore = new Map<number, WidgetButton>();
  for (const b of buttons) {
    const score = RATING_ID.exec(b.id)?.[1];
    if (!score) return null;
    byScore.set(Number(score), b);
  }
  return byScore.size === 5 ? byScore : null;
}

export function ratingForm(
  say: Say,
  options: Map<number, WidgetButton>,
  onRate: (button: WidgetButton, comment: string) => void,
): HTMLFormElement {
  const form = h('form', { class: 'rating' });
  const group = h('fieldset', { class: 'stars' });
  group.append(h('legend', {}, say('rating.legend')));
  const chosen = h('span', { class: 'chosen', 'aria-hidden': 'true' });
  const problem = h('span', { class: 'field-error', role: 'alert' });
  const stars: HTMLLabelElement[] = [];
  for (let n = 1; n <= 5; n++) {
    const label = say(`rating.${n}` as MessageKey);
    const radio = h('input', { type: 'radio', name: 'sb-rating', value: String(n), class: 'sr-only' });
    const star = h(
      'label',
      { class: 'star', title: label },
      radio,
      h('span', { 'aria-hidden': 'true' }, '★'),
      h('span', { class: 'sr-only' }, say('rating.star', { n, label })),
    );
    radio.addEventListener('change', () => {
      for (const [i, s] of stars.entries()) s.classList.toggle('on', i < n);
      chosen.textContent = label;
      problem.textContent = '';
    });
    stars.push(star);
    group.append(star);
  }
  group.append(chosen);
  const comment = h('textarea', { id: 'sb-rating-comment', rows: '2', maxlength: '2000' });
  form.append(
    group,
    h('label', { for: 'sb-rating-comment', class: 'comment-label' }, say('rating.comment')),
    comment,
    problem,
    h('button', { type: 'submit', class: 'send' }, say('rating.submit')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const picked = form.querySelector<HTMLInputElement>('input[name="sb-rating"]:checked');
    const button = picked ? options.get(Number(picked.value)) : undefined;
    if (!button) {
      problem.textContent = say('rating.choose');
      stars[0]?.querySelector('input')?.focus();
      return;
    }
    onRate(button, comment.value.trim());
  });
  return form;
}
