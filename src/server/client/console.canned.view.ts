// The admins' screen for canned replies (a dialog): the list by shortcut, and a form to add or change one.
import type { z } from 'zod';
import type { cannedReply } from '../canned-replies.routes.ts';
import type { ConsoleShell } from './console.shell.ts';
import { $, h } from './dom.ts';

export type CannedReplyItem = z.infer<typeof cannedReply>;

export function cannedRepliesDialog(shell: ConsoleShell, onChange: () => void) {
  let editing: string | null = null;
  const list = h('ul', { id: 'canned-admin-list', class: 'team-list' });
  const error = h('p', { class: 'error', role: 'alert', id: 'canned-error' });
  const heading = h('h3', { id: 'canned-form-title' }, 'Add a canned reply');
  const form = h(
    'form',
    { id: 'canned-form', class: 'team-form', 'aria-labelledby': 'canned-form-title' },
    heading,
    h('label', { for: 'canned-shortcut' }, 'Shortcut (typed after /)'),
    h('input', { id: 'canned-shortcut', required: true, maxlength: '40', placeholder: 'refund' }),
    h('label', { for: 'canned-title' }, 'Title'),
    h('input', { id: 'canned-title', required: true, maxlength: '100' }),
    h('label', { for: 'canned-body' }, 'Text'),
    h('textarea', { id: 'canned-body', required: true, rows: '4', 'aria-describedby': 'canned-help' }),
    h(
      'p',
      { class: 'hint', id: 'canned-help' },
      '{visitor_name} and {agent_name} are filled in when the reply is inserted.',
    ),
    error,
    h(
      'div',
      { class: 'form-buttons' },
      h('button', { type: 'submit', class: 'primary', id: 'canned-save' }, 'Save'),
      h('button', { type: 'button', id: 'canned-new' }, 'New'),
      h('button', { type: 'button', class: 'cancel' }, 'Close'),
    ),
  );
  const dialog = h(
    'dialog',
    { id: 'canned', 'aria-labelledby': 'canned-title-h' },
    h('h2', { id: 'canned-title-h' }, 'Canned replies'),
    list,
    form,
  );
  const field = <T extends HTMLInputElement | HTMLTextAreaElement>(id: string) => $<T>(form, id);

  function edit(reply: CannedReplyItem | null) {
    editing = reply?.id ?? null;
    heading.textContent = reply ? `Change /${reply.shortcut}` : 'Add a canned reply';
    field('#canned-shortcut').value = reply?.shortcut ?? '';
    field('#canned-title').value = reply?.title ?? '';
    field('#canned-body').value = reply?.body ?? '';
    error.textContent = '';
    field('#canned-shortcut').focus();
  }

  async function refresh() {
    try {
      const { replies } = await shell.api<{ replies: CannedReplyItem[] }>('/canned-replies');
      list.replaceChildren(
        ...(replies.length
          ? replies.map((r) => {
              const change = h('button', { type: 'button', class: 'link' }, 'Edit');
              const remove = h('button', { type: 'button', class: 'link danger' }, 'Delete');
              change.setAttribute('aria-label', `Edit /${r.shortcut}`);
              remove.setAttribute('aria-label', `Delete /${r.shortcut}`);
              change.addEventListener('click', () => edit(r));
              remove.addEventListener('click', async () => {
                try {
                  await shell.api(`/canned-replies/${r.id}`, { method: 'DELETE' });
                  onChange();
                  await refresh();
                } catch (e) {
                  error.textContent = (e as Error).message;
                }
              });
              return h(
                'li',
                { 'data-shortcut': r.shortcut },
                h('strong', {}, `/${r.shortcut}`),
                ` ${r.title} `,
                change,
                ' ',
                remove,
              );
            })
          : [h('li', { class: 'muted' }, 'No canned replies yet.')]),
      );
    } catch (e) {
      error.textContent = (e as Error).message;
    }
  }

  $(form, '.cancel').addEventListener('click', () => dialog.close());
  $(form, '#canned-new').addEventListener('click', () => edit(null));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {
      shortcut: field('#canned-shortcut').value,
      title: field('#canned-title').value,
      body: field('#canned-body').value,
    };
    try {
      await shell.api(editing ? `/canned-replies/${editing}` : '/canned-replies', {
        method: editing ? 'PUT' : 'POST',
        body,
      });
      onChange();
      edit(null);
      await refresh();
    } catch (e) {
      error.textContent = (e as Error).message;
    }
  });
  return {
    element: dialog,
    open() {
      edit(null);
      void refresh();
      dialog.showModal();
    },
  };
}
