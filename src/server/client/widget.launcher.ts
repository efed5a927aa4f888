// The floating widget: a launcher button that opens and minimises the panel, with a badge counting what
// the bot or an agent said while the chat was closed. The inline widget (demo page) has none of this.
import { h } from './dom.ts';
import type { Say } from './widget.messages.ts';
import type { WidgetPanel } from './widget.panel.ts';
import { lastSeq, type WidgetStore } from './widget.store.ts';

export function mountLauncher(root: ShadowRoot, parts: WidgetPanel, store: WidgetStore, say: Say) {
  const { panel, header, status, input } = parts;
  panel.id = 'sb-panel';
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-labelledby', 'sb-title');
  const badge = h('span', { class: 'badge', 'aria-hidden': 'true', hidden: true });
  const close = h('button', { type: 'button', class: 'close', 'aria-label': say('close.label') }, '×');
  header.append(h('span', { class: 'head-actions' }, status, close));
  const launcher = h(
    'button',
    {
      class: 'launcher',
      'aria-label': say('launcher.open'),
      'aria-expanded': 'false',
      'aria-controls': 'sb-panel',
    },
    '💬',
  );
  panel.hidden = true;
  // While the chat is closed, what the bot or an agent says is counted on the launcher.
  let seenUpTo = 0;
  const unread = () =>
    store.getSnapshot().context.messages.filter((m) => m.role !== 'visitor' && !m.pending && m.seq > seenUpTo)
      .length;
  const showLauncher = () => {
    const open = !panel.hidden;
    if (open) seenUpTo = lastSeq(store.getSnapshot().context);
    const count = open ? 0 : unread();
    launcher.firstChild?.replaceWith(open ? '×' : '💬');
    badge.hidden = count === 0;
    badge.textContent = String(count);
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute(
      'aria-label',
      open ? say('launcher.close') : count ? say('launcher.open_unread', { n: count }) : say('launcher.open'),
    );
  };
  const toggle = (open: boolean) => {
    panel.hidden = !open;
    showLauncher();
    // The pre-chat form, while it is shown, takes the focus before the message box.
    if (open) (panel.querySelector<HTMLInputElement>('form.prechat input') ?? input).focus();
    else launcher.focus();
  };
  launcher.append(badge);
  // Nothing of an earlier visit counts as unread: only what arrives after the page opened.
  store.subscribe(() => {
    if (!seenUpTo) seenUpTo = lastSeq(store.getSnapshot().context);
  });
  store.subscribe(showLauncher);
  close.addEventListener('click', () => toggle(false));
  launcher.addEventListener('click', () => toggle(panel.hidden !== false));
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') toggle(false);
  });
  root.append(launcher);
}
