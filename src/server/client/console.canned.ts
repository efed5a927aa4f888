// Canned replies in the reply box: `/` at the start of a word opens a list filtered by what follows
// (`/ref` → /refund), ↑/↓ choose, Enter or Tab inserts, Esc closes. The inserted text has its placeholders
// filled: {visitor_name} (the name the visitor gave, or "there") and {agent_name} (the operator's name).
import type { CannedReplyItem } from './console.canned.view.ts';
import type { ConsoleShell } from './console.shell.ts';
import { h } from './dom.ts';

const TRIGGER = /(?:^|\s)\/([a-z0-9-]*)$/i;
const FRESH_MS = 30_000;

/** The reply's text with {visitor_name} and {agent_name} filled in; unknown placeholders stay as written. */
export function fillPlaceholders(body: string, values: { visitorName: string | null; agentName: string }) {
  return body
    .replaceAll('{visitor_name}', values.visitorName?.trim() || 'there')
    .replaceAll('{agent_name}', values.agentName);
}

export function matchReplies(replies: CannedReplyItem[], query: string): CannedReplyItem[] {
  const q = query.toLowerCase();
  const starts = replies.filter((r) => r.shortcut.startsWith(q));
  const mentions = replies.filter(
    (r) => !r.shortcut.startsWith(q) && (r.shortcut.includes(q) || r.title.toLowerCase().includes(q)),
  );
  return [...starts, ...mentions].slice(0, 8);
}

export function attachCannedReplies(shell: ConsoleShell, replyBox: HTMLTextAreaElement) {
  let replies: CannedReplyItem[] = [];
  let loadedAt = 0;
  let shown: CannedReplyItem[] = [];
  let active = 0;
  let open = false;
  const list = h('ul', {
    id: 'canned-list',
    class: 'canned-list',
    role: 'listbox',
    'aria-label': 'Canned replies',
    hidden: true,
  });
  const status = h('p', { class: 'sr-only', id: 'canned-status', role: 'status', 'aria-live': 'polite' });

  async function load() {
    if (Date.now() - loadedAt < FRESH_MS) return;
    try {
      replies = (await shell.api<{ replies: CannedReplyItem[] }>('/canned-replies')).replies;
      loadedAt = Date.now();
    } catch {}
  }

  function close() {
    open = false;
    list.hidden = true;
    replyBox.removeAttribute('aria-activedescendant');
    status.textContent = '';
  }

  function render() {
    list.replaceChildren(
      ...shown.map((r, i) =>
        h(
          'li',
          {
            id: `canned-${r.id}`,
            role: 'option',
            'aria-selected': String(i === active),
            'data-shortcut': r.shortcut,
          },
          h('strong', {}, `/${r.shortcut}`),
          ` ${r.title}`,
          h('span', { class: 'canned-preview' }, r.body),
        ),
      ),
    );
    const current = shown[active];
    if (current) replyBox.setAttribute('aria-activedescendant', `canned-${current.id}`);
  }

  async function update() {
    const before = replyBox.value.slice(0, replyBox.selectionStart);
    const match = TRIGGER.exec(before);
    if (!match) return close();
    await load();
    shown = matchReplies(replies, match[1] ?? '');
    if (shown.length === 0) {
      close();
      status.textContent = replies.length ? 'No canned reply matches.' : '';
      return;
    }
    active = Math.min(active, shown.length - 1);
    open = true;
    list.hidden = false;
    render();
    status.textContent = `${shown.length} canned ${shown.length === 1 ? 'reply' : 'replies'}: ↑ ↓ to choose, Enter to insert.`;
  }

  function insert(reply: CannedReplyItem) {
    const caret = replyBox.selectionStart;
    const before = replyBox.value.slice(0, caret);
    const match = TRIGGER.exec(before);
    if (!match) return close();
    const start = caret - match[0].length + (match[0].startsWith('/') ? 0 : 1);
    const conversation = shell.convo.getSnapshot().context.conversation;
    const text = fillPlaceholders(reply.body, {
      visitorName: conversation?.findings.visitor.name ?? null,
      agentName: shell.me()?.displayName ?? '',
    });
    replyBox.value = replyBox.value.slice(0, start) + text + replyBox.value.slice(caret);
    const end = start + text.length;
    replyBox.setSelectionRange(end, end);
    close();
    replyBox.dispatchEvent(new Event('input', { bubbles: true }));
    replyBox.focus();
  }

  replyBox.addEventListener('input', () => {
    active = 0;
    void update();
  });
  // Capture: before the reply box's own Enter-sends handler.
  replyBox.addEventListener(
    'keydown',
    (event) => {
      if (!open) return;
      const keys: Record<string, () => void> = {
        ArrowDown: () => {
          active = (active + 1) % shown.length;
          render();
        },
        ArrowUp: () => {
          active = (active - 1 + shown.length) % shown.length;
          render();
        },
        Enter: () => {
          const r = shown[active];
          if (r) insert(r);
        },
        Tab: () => {
          const r = shown[active];
          if (r) insert(r);
        },
        Escape: close,
      };
      const run = keys[event.key];
      if (!run || (event.key === 'Enter' && event.shiftKey)) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      run();
    },
    { capture: true },
  );
  replyBox.addEventListener('blur', () => window.setTimeout(close, 150));
  // A click chooses without taking the focus from the reply box.
  list.addEventListener('mousedown', (event) => {
    event.preventDefault();
    const li = (event.target as Element).closest('li');
    const reply = shown.find((r) => r.shortcut === li?.getAttribute('data-shortcut'));
    if (reply) insert(reply);
  });
  return {
    element: h('div', { class: 'canned' }, list, status),
    /** After an admin changed the list. */
    invalidate() {
      loadedAt = 0;
    },
  };
}
