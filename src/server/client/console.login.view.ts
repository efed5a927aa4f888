// The login screen: e-mail and password, the server's error in words, and where accounts come from.

import type { ConsoleShell } from './console.shell.ts';
import type { OperatorInfo } from './console.store.ts';
import { $, h } from './dom.ts';

export function loginView(shell: ConsoleShell, onLoggedIn: (token: string) => Promise<void>) {
  const view = h(
    'main',
    { class: 'login', 'aria-labelledby': 'login-title' },
    h(
      'form',
      { class: 'login-card', novalidate: true },
      h('h1', { id: 'login-title' }, 'Switchboard console'),
      h('p', { class: 'muted' }, 'Log in to answer the visitors waiting for a person.'),
      h('label', { for: 'login-email' }, 'E-mail'),
      h('input', {
        id: 'login-email',
        name: 'email',
        type: 'email',
        autocomplete: 'username',
        required: true,
      }),
      h('label', { for: 'login-password' }, 'Password'),
      h('input', {
        id: 'login-password',
        name: 'password',
        type: 'password',
        autocomplete: 'current-password',
        required: true,
      }),
      h('p', { class: 'error', role: 'alert', id: 'login-error' }),
      h('button', { type: 'submit', class: 'primary' }, 'Log in'),
      h(
        'p',
        { class: 'hint' },
        'No account yet? An admin creates agents under “Team”. The first admin is created on the server with ',
        h('code', {}, 'switchboard create-admin'),
        '.',
      ),
    ),
  );
  const { auth } = shell;
  $<HTMLFormElement>(view, 'form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const email = $<HTMLInputElement>(view, '#login-email').value;
    const password = $<HTMLInputElement>(view, '#login-password');
    if (!email || !password.value)
      return auth.trigger.loginFailed({ error: 'Enter your e-mail and password.' });
    auth.trigger.loginStarted();
    try {
      const body = await shell.api<{ token: string; operator: OperatorInfo }>('/auth/login', {
        method: 'POST',
        body: { email, password: password.value },
      });
      password.value = '';
      auth.trigger.loggedIn(body);
      await onLoggedIn(body.token);
    } catch (e) {
      auth.trigger.loginFailed({ error: (e as Error).message });
    }
  });
  auth.subscribe(({ context: a }) => {
    view.hidden = Boolean(a.operator);
    $(view, '#login-error').textContent = a.loginError ?? '';
    $<HTMLButtonElement>(view, 'button[type=submit]').disabled = a.busy;
  });
  return view;
}
