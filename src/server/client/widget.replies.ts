// The quick-reply row under the log: the buttons the server offers in this state, numbered for a screen
// reader ("1: Instant chat"), or the satisfaction survey when the buttons are its five ratings.
import { h } from './dom.ts';
import type { Say } from './widget.messages.ts';
import { ratingButtons, ratingForm } from './widget.rating.ts';
import type { WidgetButton } from './widget.store.ts';

/** What the visitor sees for a button and what their message shows when they press it. */
export const buttonText = (b: WidgetButton) => `${b.emoji ? `${b.emoji} ` : ''}${b.label}`;

export function renderQuickReplies(
  row: HTMLElement,
  buttons: WidgetButton[],
  say: Say,
  on: { press(button: WidgetButton): void; rate(button: WidgetButton, comment: string): void },
) {
  const survey = ratingButtons(buttons);
  row.classList.toggle('survey', survey !== null);
  row.replaceChildren(
    ...(survey
      ? [ratingForm(say, survey, (b, comment) => on.rate(b, comment))]
      : buttons.map((b, i) => {
          const button = h(
            'button',
            {
              type: 'button',
              'data-button': b.id,
              'aria-label': say('button.numbered', { n: i + 1, label: b.label }),
            },
            buttonText(b),
          );
          button.addEventListener('click', () => on.press(b));
          return button;
        })),
  );
}
