// The console's top bar: the brand, the kinds of work, the live connection, availability, alerts, the
// dialogs' buttons (Team and Canned replies for admins only), who is logged in, and Log out.
import type { createAttention } from './console.attention.ts';
import type { AuthStore } from './console.store.ts';
import { h } from './dom.ts';

export interface TopBarParts {
  kinds: HTMLElement;
  availability: HTMLElement;
  attention: ReturnType<typeof createAttention>;
  openHelp(): void;
  openCanned(): void;
  openTeam(): void;
  logout(): void;
}

type AuthContext = ReturnType<AuthStore['getSnapshot']>['context'];

const linkButton = (id: string, text: string, attrs: Record<string, string | boolean> = {}) =>
  h('button', { type: 'button', class: 'link', id, ...attrs }, text);

export function topBar(parts: TopBarParts) {
  const conn = h('span', { class: 'conn', role: 'status', 'aria-live': 'polite', id: 'conn' });
  const me = h('span', { class: 'me', id: 'me' });
  const alerts = linkButton('alerts', 'Alerts', { 'aria-pressed': 'false' });
  const help = linkButton('help-button', 'Shortcuts', { 'aria-haspopup': 'dialog' });
  const canned = linkButton('canned-button', 'Canned replies', { hidden: true, 'aria-haspopup': 'dialog' });
  const team = linkButton('team-button', 'Team', { hidden: true, 'aria-haspopup': 'dialog' });
  const logout = linkButton('logout', 'Log out');
  alerts.addEventListener('click', async () => {
    alerts.setAttribute('aria-pressed', String(await parts.attention.toggle()));
  });
  help.addEventListener('click', () => parts.openHelp());
  canned.addEventListener('click', () => parts.openCanned());
  team.addEventListener('click', () => parts.openTeam());
  logout.addEventListener('click', () => parts.logout());
  const element = h(
    'header',
    { class: 'top' },
    h('h1', { class: 'brand' }, 'Switchboard'),
    parts.kinds,
    conn,
    h('span', { class: 'spacer' }),
    parts.availability,
    alerts,
    help,
    canned,
    team,
    me,
    logout,
  );
  /** Who is logged in (called once the attention module knows them) and the connection's state. */
  function render(a: AuthContext) {
    if (!a.operator) return;
    alerts.setAttribute('aria-pressed', String(parts.attention.enabled()));
    me.textContent = `${a.operator.displayName} · ${a.operator.role}`;
    team.hidden = a.operator.role !== 'admin';
    canned.hidden = a.operator.role !== 'admin';
    conn.textContent = a.connected ? 'Live' : 'Reconnecting…';
    conn.className = `conn ${a.connected ? 'on' : 'off'}`;
  }
  return { element, render };
}
