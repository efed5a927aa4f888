// The operator's own availability in the console's header: online (new live chats may be assigned to
// them), away, or offline. Kept on the server per operator; closing the console for a while makes it offline.
import type { ConsoleShell } from './console.shell.ts';
import type { TeamMemberInfo } from './console.transfer.view.ts';
import { h, selectBox } from './dom.ts';

export function availabilityControl(shell: ConsoleShell) {
  const select = selectBox('availability', null, [
    ['online', 'Online'],
    ['away', 'Away'],
    ['offline', 'Offline'],
  ]);
  const element = h(
    'span',
    { class: 'availability' },
    h('label', { for: 'availability', class: 'sr-only' }, 'Your availability'),
    select,
  );
  const paint = () => {
    element.dataset.availability = select.value;
  };
  select.addEventListener('change', async () => {
    paint();
    try {
      await shell.api('/operators/me/availability', { method: 'PUT', body: { availability: select.value } });
    } catch {
      await refresh();
    }
  });
  async function refresh() {
    const me = shell.me();
    if (!me) return;
    try {
      const { operators } = await shell.api<{ operators: TeamMemberInfo[] }>('/team');
      const mine = operators.find((o) => o.id === me.id);
      if (mine) select.value = mine.availability;
      paint();
    } catch {}
  }
  select.value = 'offline';
  paint();
  return { element, refresh };
}
