// What the Tickets and Callbacks tabs share: an action button and the notice line that answers an action
// (the server's own message when it refuses).
import { h } from './dom.ts';

export function actionButton(id: string, text: string, onClick: () => unknown, cls?: string) {
  const b = h('button', { type: 'button', id, class: cls }, text);
  b.addEventListener('click', () => void onClick());
  return b;
}

export function noticeLine(id: string) {
  const element = h('p', { class: 'notice', id, role: 'alert' });
  return {
    element,
    say(text: string, error = false) {
      element.textContent = text;
      element.className = `notice${error ? ' error' : ''}`;
    },
    clear() {
      element.textContent = '';
    },
  };
}
