// Transfer an assigned live chat to another agent with a note (the holder or an admin, as the policy says):
// a button beside the conversation's actions and an inline form listing the team with their availability.
// The receiving agent is told by the live stream (console.ts shows it and alerts).
import type { ConsoleShell } from './console.shell.ts';
import { $, h } from './dom.ts';

export interface TeamMemberInfo {
  id: string;
  displayName: string;
  role: 'agent' | 'admin';
  availability: 'online' | 'away' | 'offline';
  openChats: number;
  capacity: number | null;
  email: string;
}

export function transferView(shell: ConsoleShell) {
  const button = h('button', { type: 'button', id: 'transfer-open' }, 'Transfer…');
  const form = h(
    'form',
    { class: 'inline-form', id: 'transfer-form', hidden: true, 'aria-label': 'Transfer' },
    h('label', { for: 'transfer-to' }, 'Transfer to'),
    h('select', { id: 'transfer-to', required: true }),
    h('label', { for: 'transfer-note' }, 'Note for them'),
    h('textarea', {
      id: 'transfer-note',
      rows: '2',
      required: true,
      maxlength: '4000',
      placeholder: 'Where it stands, what the visitor needs',
    }),
    h(
      'div',
      { class: 'form-buttons' },
      h('button', { type: 'submit', class: 'primary' }, 'Transfer'),
      h('button', { type: 'button', class: 'cancel' }, 'Cancel'),
    ),
  );
  const select = $<HTMLSelectElement>(form, '#transfer-to');
  const note = $<HTMLTextAreaElement>(form, '#transfer-note');

  async function fill() {
    const holder = shell.convo.getSnapshot().context.conversation?.assignedAgent?.id;
    try {
      const { operators } = await shell.api<{ operators: TeamMemberInfo[] }>('/team');
      const order = { online: 0, away: 1, offline: 2 };
      select.replaceChildren(
        ...operators
          .filter((o) => o.id !== holder)
          .sort((a, b) => order[a.availability] - order[b.availability])
          .map((o) =>
            h('option', { value: o.id }, `${o.displayName} — ${o.availability}, ${o.openChats} open`),
          ),
      );
    } catch {}
  }

  button.addEventListener('click', async () => {
    form.hidden = !form.hidden;
    if (!form.hidden) {
      await fill();
      select.focus();
    }
  });
  $(form, '.cancel').addEventListener('click', () => {
    form.hidden = true;
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!note.value.trim())
      return shell.convo.trigger.actionFailed({ error: 'Write a note for the agent who takes over.' });
    const to = select.selectedOptions[0]?.textContent?.split(' — ')[0] ?? 'them';
    if (await shell.act('transfer', { agentId: select.value, note: note.value }, `Transferred to ${to}.`)) {
      note.value = '';
      form.hidden = true;
    }
  });
  shell.convo.subscribe(({ context }) => {
    const allowed = context.conversation?.allowed.transfer ?? false;
    button.disabled = !allowed || context.busy;
    if (!allowed) form.hidden = true;
  });
  return { button, form };
}
