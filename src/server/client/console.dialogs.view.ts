// The keyboard-shortcuts dialog ("?"): the one list of keys, the same that console.keys.ts binds.
import { h } from './dom.ts';

export const SHORTCUTS: ReadonlyArray<readonly [string, string]> = [
  ['j / ↓', 'next conversation in the queue'],
  ['k / ↑', 'previous conversation'],
  ['Enter', 'open the focused conversation'],
  ['t', 'take the open conversation'],
  ['r', 'write a reply'],
  ['/', 'search the queue'],
  ['Esc', 'close a form, clear the search or leave a field'],
  ['?', 'this list'],
];

export function helpDialog(): HTMLDialogElement {
  return h(
    'dialog',
    { id: 'help', 'aria-labelledby': 'help-title' },
    h('h2', { id: 'help-title' }, 'Keyboard shortcuts'),
    h(
      'dl',
      { class: 'keys' },
      ...SHORTCUTS.flatMap(([k, v]) => [h('dt', {}, h('kbd', {}, k)), h('dd', {}, v)]),
    ),
    h('form', { method: 'dialog' }, h('button', { class: 'primary' }, 'Close')),
  );
}
