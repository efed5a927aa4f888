// Internal notes in the open conversation: shown inline in the transcript at their time, in their own
// style and labelled "Internal note", and written in a form of their own under the reply box, so a note is
// never sent as a reply by a slip of the Enter key. The visitor never sees them (the server keeps them
// out of everything the visitor's side reads).
import type { z } from 'zod';
import type { noteItem } from '../conversation-notes.routes.ts';
import { clock } from './console.format.ts';
import type { ConsoleShell } from './console.shell.ts';
import { $, h } from './dom.ts';

export type NoteItem = z.infer<typeof noteItem>;

export function notesView(shell: ConsoleShell, transcript: HTMLElement) {
  let notes: NoteItem[] = [];
  let loadedFor: string | null = null;
  const toggle = h(
    'button',
    {
      type: 'button',
      id: 'note-toggle',
      class: 'link',
      'aria-expanded': 'false',
      'aria-controls': 'note-form',
    },
    'Internal note',
  );
  const form = h(
    'form',
    { id: 'note-form', class: 'note-form', hidden: true },
    h('label', { for: 'note-text' }, 'Internal note: only operators see it, never the visitor'),
    h('textarea', {
      id: 'note-text',
      rows: '2',
      maxlength: '4000',
      placeholder: 'For colleagues… (Enter adds)',
    }),
    h(
      'div',
      { class: 'form-buttons' },
      h('button', { type: 'submit', class: 'note-add', id: 'note-add' }, 'Add note'),
      h('button', { type: 'button', class: 'cancel' }, 'Cancel'),
    ),
    h('p', { class: 'error', role: 'alert', id: 'note-error' }),
  );
  const text = $<HTMLTextAreaElement>(form, '#note-text');
  const show = (on: boolean) => {
    form.hidden = !on;
    toggle.setAttribute('aria-expanded', String(on));
    if (on) text.focus();
  };
  toggle.addEventListener('click', () => show(form.hidden === true));
  $(form, '.cancel').addEventListener('click', () => show(false));
  text.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const id = shell.convo.getSnapshot().context.id;
    const value = text.value.trim();
    if (!id || !value) return;
    try {
      const { note } = await shell.api<{ note: NoteItem }>(`/conversations/${encodeURIComponent(id)}/notes`, {
        method: 'POST',
        body: { text: value },
      });
      text.value = '';
      $(form, '#note-error').textContent = '';
      add(note);
    } catch (e) {
      $(form, '#note-error').textContent = (e as Error).message;
    }
  });

  function label(note: NoteItem): string {
    const author =
      note.authorId === shell.me()?.id ? 'You' : (shell.operatorName(note.authorId) ?? 'An operator');
    if (note.kind === 'transfer') {
      const to =
        note.toAgentId === shell.me()?.id ? 'you' : (shell.operatorName(note.toAgentId) ?? 'an agent');
      return `${author} transferred this chat to ${to}`;
    }
    return `Internal note · ${author}`;
  }

  /**
   * Puts each note in the transcript before the first message written after it; again on every render,
   * since messages can arrive after the notes (a reload loads both at once).
   */
  function place() {
    for (const note of notes) {
      const element =
        transcript.querySelector<HTMLElement>(`[data-note-id="${note.id}"]`) ??
        h(
          'div',
          { class: `msg note ${note.kind}`, 'data-note-id': note.id },
          h('span', { class: 'who' }, label(note), h('time', { datetime: note.at }, clock(note.at))),
          h('span', { class: 'text' }, note.text),
        );
      const later =
        [...transcript.querySelectorAll<HTMLElement>('.msg')].find((m) => {
          if (m === element) return false;
          const at = m.querySelector('time')?.getAttribute('datetime');
          return at !== null && at !== undefined && at > note.at;
        }) ?? null;
      if (element.parentNode !== transcript || element.nextElementSibling !== later)
        transcript.insertBefore(element, later);
    }
  }

  function add(note: NoteItem) {
    if (note.conversationId !== shell.convo.getSnapshot().context.id) return;
    if (!notes.some((n) => n.id === note.id)) notes = [...notes, note];
    place();
    transcript.scrollTop = transcript.scrollHeight;
  }

  async function load(id: string) {
    try {
      const { notes: found } = await shell.api<{ notes: NoteItem[] }>(
        `/conversations/${encodeURIComponent(id)}/notes`,
      );
      if (shell.convo.getSnapshot().context.id !== id) return;
      notes = found;
      place();
    } catch {}
  }

  // After the conversation view rendered (it subscribed first): notes back in place, or loaded anew.
  shell.convo.subscribe(({ context }) => {
    if (context.id !== loadedFor) {
      loadedFor = context.id;
      notes = [];
      show(false);
      if (context.id) void load(context.id);
      return;
    }
    place();
  });

  return {
    toggle,
    form,
    /** A note from the live stream (any operator's, any conversation). */
    received(note: NoteItem) {
      add(note);
    },
  };
}
