// The conversation's inline forms: Resolve (notes and a resolution category; warns when nobody answered
// the visitor yet) and Escalate (a reason: the bot goes silent and the chat joins the live queue).
import { RESOLUTION_CATEGORIES } from '../operator.constants.ts';
import type { ConsoleShell } from './console.shell.ts';
import type { OpenConversation } from './console.store.ts';
import { $, h, selectBox } from './dom.ts';

const RESOLUTION_LABELS: Record<(typeof RESOLUTION_CATEGORIES)[number], string> = {
  solved: 'Solved',
  workaround: 'Workaround given',
  refund_issued: 'Refund issued',
  replacement_sent: 'Replacement sent',
  account_fixed: 'Account fixed',
  not_reproducible: 'Not reproducible',
  duplicate: 'Duplicate',
  customer_unresponsive: 'Customer unresponsive',
  other: 'Other',
};

const formButtons = (submit: string) =>
  h(
    'div',
    { class: 'form-buttons' },
    h('button', { type: 'submit', class: 'primary' }, submit),
    h('button', { type: 'button', class: 'cancel' }, 'Cancel'),
  );

function resolveForm(shell: ConsoleShell) {
  const warning = h(
    'p',
    { class: 'form-warning', id: 'resolve-warning', hidden: true },
    'Nobody has answered this visitor yet: resolving closes the chat without a reply.',
  );
  const notes = h('textarea', {
    id: 'resolve-notes',
    rows: '2',
    required: true,
    placeholder: 'What was done? (Ctrl+Enter to resolve)',
  });
  const category = selectBox(
    'resolve-category',
    null,
    RESOLUTION_CATEGORIES.map((c) => [c, RESOLUTION_LABELS[c]] as const),
  );
  const form = h(
    'form',
    { class: 'inline-form', id: 'resolve-form', hidden: true, 'aria-label': 'Resolve' },
    warning,
    h('label', { for: 'resolve-notes' }, 'Resolution notes'),
    notes,
    h('label', { for: 'resolve-category' }, 'Resolution'),
    category,
    formButtons('Resolve'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!notes.value.trim())
      return shell.convo.trigger.actionFailed({ error: 'Write a short note on what was done.' });
    const body = { notes: notes.value, resolutionCategory: category.value };
    const notice = 'Resolved. The visitor’s next message starts a new bot conversation.';
    if (await shell.act('resolve', body, notice)) notes.value = '';
  });
  notes.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.requestSubmit();
  });
  return { form, warning, first: notes };
}

function escalateForm(shell: ConsoleShell) {
  const reason = h('input', {
    id: 'escalate-reason',
    required: true,
    minlength: '3',
    placeholder: 'e.g. VIP customer, bot is looping',
  });
  const form = h(
    'form',
    { class: 'inline-form', id: 'escalate-form', hidden: true, 'aria-label': 'Escalate' },
    h(
      'p',
      { class: 'form-warning' },
      'The bot goes silent and this visitor joins the live queue for a person.',
    ),
    h('label', { for: 'escalate-reason' }, 'Why does a person take over?'),
    reason,
    formButtons('Escalate'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const notice = 'Escalated: the bot is silent and the chat is in the queue.';
    if (await shell.act('escalate', { reason: reason.value }, notice)) reason.value = '';
  });
  return { form, first: reason };
}

export function conversationForms(shell: ConsoleShell) {
  const { convo } = shell;
  const resolve = resolveForm(shell);
  const escalate = escalateForm(shell);
  for (const { form } of [resolve, escalate])
    $(form, '.cancel').addEventListener('click', () => convo.trigger.formOpened({ form: null }));

  function open(form: 'resolve' | 'escalate') {
    convo.trigger.formOpened({ form });
    (form === 'resolve' ? resolve : escalate).first.focus();
  }

  function render(c: OpenConversation) {
    resolve.warning.hidden = c.conversation?.state !== 'escalated.queued';
    resolve.form.hidden = c.form !== 'resolve';
    escalate.form.hidden = c.form !== 'escalate';
  }
  return { resolve: resolve.form, escalate: escalate.form, open, render };
}
