// Team management for admins (a dialog): the operators with their availability and open chats, each with
// a role to change, a password to reset (a chosen one, or a one-time one shown here once) and deactivation;
// and a form to add one.
import type { ConsoleShell } from './console.shell.ts';
import type { TeamMemberInfo } from './console.transfer.view.ts';
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
      await refresh();
    } catch (e) {
      error.textContent = (e as Error).message;
    }
  });
  async function act(path: string, method: string, body?: unknown) {
    try {
      const answer = await shell.api<{ password?: string }>(path, { method, body });
      error.textContent = '';
      return answer;
    } catch (e) {
      error.textContent = (e as Error).message;
      return null;
    }
  }

  function row(o: TeamMemberInfo) {
    const self = o.id === shell.me()?.id;
    const key = o.id.slice(0, 8);
    const role = selectBox(`role-${key}`, `Role of ${o.displayName}`, [
      ['agent', 'Agent'],
      ['admin', 'Admin'],
    ]);
    role.value = o.role;
    role.addEventListener('change', async () => {
      if (!(await act(`/operators/${o.id}`, 'PATCH', { role: role.value }))) role.value = o.role;
      await refresh();
    });
    const secret = h('output', { class: 'one-time', 'aria-live': 'polite' });
    const password = h('input', {
      type: 'password',
      id: `password-${key}`,
      autocomplete: 'new-password',
      'aria-label': `New password for ${o.displayName}`,
      placeholder: 'new password (or leave empty)',
    });
    const reset = h('button', { type: 'button', class: 'link' }, 'Reset password');
    reset.setAttribute('aria-label', `Reset the password of ${o.displayName}`);
    reset.addEventListener('click', async () => {
      const chosen = password.value;
      const answer = await act(`/operators/${o.id}/password`, 'POST', chosen ? { password: chosen } : {});
      if (!answer) return;
      password.value = '';
      secret.textContent = answer.password
        ? `One-time password (shown once): ${answer.password}`
        : 'Password changed; their sessions were ended.';
    });
    const deactivate = h('button', { type: 'button', class: 'link danger', disabled: self }, 'Deactivate');
    deactivate.setAttribute('aria-label', `Deactivate ${o.displayName}`);
    deactivate.addEventListener('click', async () => {
      // Two steps instead of a browser confirm(): the second click says what happens.
      if (deactivate.dataset.confirm !== 'true') {
        deactivate.dataset.confirm = 'true';
        deactivate.textContent = 'Confirm: no more logins, sessions ended';
        return;
      }
      if (await act(`/operators/${o.id}/deactivate`, 'POST')) await refresh();
    });
    return h(
      'li',
      { 'data-operator': o.id, class: 'team-member' },
      h('strong', {}, o.displayName),
      ` ${o.email} `,
      h('span', { class: `availability-dot ${o.availability}` }, o.availability),
      ` · ${o.openChats} open`,
      h('span', { class: 'team-actions' }, role, password, reset, deactivate),
      secret,
    );
  }

  async function refresh() {
    try {
      const { operators } = await shell.api<{ operators: TeamMemberInfo[] }>('/team');
      replaceKeepingInput(list, operators.map(row));
      void shell.loadOperators();
    } catch (e) {
      error.textContent = (e as Error).message;
    }
  }
  return {
    element: dialog,
    open() {
      void refresh();
      dialog.showModal();
    },
    refresh,
  };
}

/**
 * New rows for the list, keeping what the admin is typing: a refresh (after a role change, say) must not
 * wipe a new password half typed in another row, or the next click would reset it with none.
 */
function replaceKeepingInput(list: HTMLElement, rows: HTMLElement[]): void {
  const typed = [...list.querySelectorAll<HTMLInputElement>('input[type=password]')].filter((i) => i.value);
  const focused = list.contains(document.activeElement) ? document.activeElement?.id : undefined;
  list.replaceChildren(...rows);
  for (const old of typed) {
    const input = list.querySelector<HTMLInputElement>(`#${CSS.escape(old.id)}`);
    if (input) input.value = old.value;
  }
  if (focused) list.querySelector<HTMLElement>(`#${CSS.escape(focused)}`)?.focus();
}
