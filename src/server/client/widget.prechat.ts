// The optional form before the chat starts (`data-prechat="optional" | "required"`): the visitor's name and
// e-mail, checked here with the same limits the server checks, then sent with the session's start so they
// are in the conversation and in every handoff packet from the first message on.
import { h } from './dom.ts';
import type { PrechatMode } from './widget.config.ts';
import type { MessageKey, Say } from './widget.messages.ts';
import type { WidgetPanel } from './widget.panel.ts';

export interface PrechatAnswer {
  name?: string;
  email?: string;
}

// The shape the server accepts (zod's e-mail check is stricter; what passes here and fails there comes back
// as the server's own sentence).
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** The problems of each field, as message keys; an empty object when the answer can be sent. */
export function checkPrechat(
  mode: PrechatMode,
  answer: { name: string; email: string },
): Partial<Record<'name' | 'email', MessageKey>> {
  const problems: Partial<Record<'name' | 'email', MessageKey>> = {};
  const name = answer.name.trim();
  const email = answer.email.trim();
  if (mode === 'required' && !name) problems.name = 'prechat.name_required';
  else if (name.length > 100) problems.name = 'prechat.name_too_long';
  if (mode === 'required' && !email) problems.email = 'prechat.email_required';
  else if (email && (email.length > 254 || !EMAIL.test(email))) problems.email = 'prechat.email_invalid';
  return problems;
}

export function prechatForm(
  mode: Exclude<PrechatMode, 'off'>,
  say: Say,
  onDone: (answer: PrechatAnswer) => void,
): HTMLFormElement {
  const form = h('form', { class: 'prechat', 'aria-labelledby': 'sb-prechat-title', novalidate: true });
  const field = (id: 'name' | 'email', label: MessageKey, attrs: Record<string, string>) => {
    const input = h('input', {
      id: `sb-prechat-${id}`,
      name: id,
      'aria-describedby': `sb-prechat-${id}-error`,
      ...(mode === 'required' ? { required: true, 'aria-required': 'true' } : {}),
      ...attrs,
    });
    const problem = h('span', { class: 'field-error', id: `sb-prechat-${id}-error` });
    form.append(h('label', { for: `sb-prechat-${id}` }, say(label)), input, problem);
    return { input, problem };
  };
  form.append(
    h('h3', { id: 'sb-prechat-title' }, say('prechat.title')),
    h('p', {}, say(mode === 'required' ? 'prechat.intro' : 'prechat.intro_optional')),
  );
  const fields = {
    name: field('name', 'prechat.name', { type: 'text', autocomplete: 'name', maxlength: '100' }),
    email: field('email', 'prechat.email', { type: 'email', autocomplete: 'email', maxlength: '254' }),
  };
  const actions = h('div', { class: 'prechat-actions' });
  actions.append(h('button', { type: 'submit', class: 'send' }, say('prechat.start')));
  if (mode === 'optional') {
    const skip = h('button', { type: 'button', class: 'skip' }, say('prechat.skip'));
    skip.addEventListener('click', () => onDone({}));
    actions.append(skip);
  }
  form.append(actions);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const answer = { name: fields.name.input.value, email: fields.email.input.value };
    const problems = checkPrechat(mode, answer);
    let first: HTMLInputElement | null = null;
    for (const id of ['name', 'email'] as const) {
      const key = problems[id];
      fields[id].problem.textContent = key ? say(key) : '';
      fields[id].input.setAttribute('aria-invalid', String(Boolean(key)));
      if (key && !first) first = fields[id].input;
    }
    if (first) return first.focus();
    const name = answer.name.trim();
    const email = answer.email.trim();
    onDone({ ...(name ? { name } : {}), ...(email ? { email } : {}) });
  });
  return form;
}

/**
 * The chat waits behind the pre-chat form until it is sent (or skipped, when it is optional): the chat's
 * parts are hidden meanwhile, the form stands before the error line, and the answer starts the session.
 */
export function holdForPrechat(
  parts: Pick<WidgetPanel, 'panel' | 'waiting' | 'log' | 'typing' | 'buttons' | 'form' | 'error' | 'input'>,
  mode: Exclude<PrechatMode, 'off'>,
  say: Say,
  onAnswer: (answer: PrechatAnswer) => void,
) {
  const { waiting, log, typing, buttons, form } = parts;
  const chat = [waiting, log, typing, buttons, form];
  for (const part of chat) part.hidden = true;
  const prechat = prechatForm(mode, say, (answer) => {
    prechat.remove();
    for (const part of chat) part.hidden = part === waiting;
    parts.input.focus();
    onAnswer(answer);
  });
  parts.panel.insertBefore(prechat, parts.error);
}
