// Team management for admins (a dialog): the operators, and a form to add one.
import type { ConsoleShell } from './console.shell.ts';
import { $, h, selectBox } from './dom.ts';

export function teamDialog(shell: ConsoleShell) {
  const list = h('ul', { id: 'team-list', class: 'team-list' });
  const error = h('p', { class: 'error', role: 'alert', id: 'team-error' });
  const form = h(
    'form',
    { id: 'team-form', class: 'team-form' },
    h('h3', {}, 'Add an operator'),
    h('label', { for: 'new-name' }, 'Name'),
    h('input', { id: 'new-name', required: true, maxlength: '100' }),
    h('label', { for: 'new-email' }, 'E-mail'),
    h('input', { id: 'new-email', type: 'email', required: true }),
    h('label', { for: 'new-password' }, 'Password (at least 10 characters)'),
    h('input', {
      id: 'new-password',
      type: 'password',
      required: true,
      minlength: '10',
      autocomplete: 'new-password',
    }),
    h('label', { for: 'new-role' }, 'Role'),
    selectBox('new-role', null, [
      ['agent', 'Agent'],
      ['admin', 'Admin'],
    ]),
    error,
    h(
      'div',
      { class: 'form-buttons' },
      h('button', { type: 'submit', class: 'primary' }, 'Add'),
      h('button', { type: 'button', class: 'cancel' }, 'Close'),
    ),
  );
  const dialog = h(
    'dialog',
    { id: 'team', 'aria-labelledby': 'team-title' },
    h('h2', { id: 'team-title' }, 'Team'),
    list,
    form,
  );
  $(form, '.cancel').addEventListener('click', () => dialog.close());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await shell.api('/operators', {
        method: 'POST',
        body: {
          displayName: $<HTMLInputElement>(form, '#new-name').value,
          email: $<HTMLInputElement>(form, '#new-email').value,
          password: $<HTMLInputElement>(form, '#new-password').value,
          role: $<HTMLSelectElement>(form, '#new-role').value,
        },
      });
      error.textContent = '';
      form.reset();
      await shell.loadOperators();
    } catch (e) {
      error.textContent = (e as Error).message;
    }
  });
  shell.auth.subscribe(({ context: a }) =>
    list.replaceChildren(
      ...a.operators.map((o) => h('li', {}, h('strong', {}, o.displayName), ` ${o.email} · ${o.role}`)),
    ),
  );
  return {
    element: dialog,
    open() {
      void shell.loadOperators();
      dialog.showModal();
    },
  };
}
