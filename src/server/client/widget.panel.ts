// The widget's panel: header (title, status), queue banner, message log, typing line, quick-reply row,
// error line and the message box, built once; the other parts fill them in.
import { h } from './dom.ts';
import { brandColours, type WidgetConfig } from './widget.config.ts';
import type { Say } from './widget.messages.ts';

export interface WidgetPanel {
  panel: HTMLElement;
  header: HTMLElement;
  status: HTMLElement;
  waiting: HTMLElement;
  log: HTMLElement;
  typing: HTMLElement;
  buttons: HTMLElement;
  error: HTMLElement;
  form: HTMLFormElement;
  input: HTMLTextAreaElement;
  send: HTMLButtonElement;
}

/** The shop's brand colour, and the text colours that stay readable on it, as CSS variables of the host. */
export function applyBrand(host: HTMLElement, color: string | null) {
  if (!color) return;
  const { onBrand, brandInk } = brandColours(color);
  host.style.setProperty('--brand', color);
  host.style.setProperty('--on-brand', onBrand);
  host.style.setProperty('--brand-ink', brandInk);
}

export function widgetPanel(
  config: Pick<WidgetConfig, 'brand'>,
  say: Say,
  options: { floating: boolean; language: string },
): WidgetPanel {
  const status = h('span', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const header = h('header', {}, h('h2', { id: 'sb-title' }, config.brand ?? say('brand.default')), status);
  const waiting = h('div', { class: 'waiting', role: 'status', 'aria-live': 'polite', hidden: '' });
  const log = h('div', {
    class: 'log',
    role: 'log',
    'aria-live': 'polite',
    'aria-label': say('log.label'),
    tabindex: '0',
  });
  const typing = h('div', { class: 'typing', 'aria-live': 'polite' });
  const buttons = h('div', { class: 'buttons', role: 'group', 'aria-label': say('buttons.label') });
  const error = h('div', { class: 'error', role: 'alert' });
  const input = h('textarea', {
    id: 'sb-input',
    rows: '1',
    placeholder: say('input.placeholder'),
    maxlength: '2000',
  });
  const send = h(
    'button',
    { type: 'submit', class: 'send', 'aria-label': say('send.label') },
    say('send.text'),
  );
  const form = h(
    'form',
    {},
    h('label', { class: 'sr-only', for: 'sb-input' }, say('input.label')),
    input,
    send,
  );
  const panel = h(
    'section',
    {
      class: options.floating ? 'panel floating' : 'panel',
      'aria-label': say('panel.label'),
      lang: options.language,
    },
    header,
    waiting,
    log,
    typing,
    buttons,
    error,
    form,
  );
  return { panel, header, status, waiting, log, typing, buttons, error, form, input, send };
}
