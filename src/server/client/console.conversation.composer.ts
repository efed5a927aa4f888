// The reply box: Enter sends (Shift+Enter a new line), the visitor sees "typing…" while the operator
// writes, and the box says why it is closed when this operator may not write.
import type { ConsoleShell } from './console.shell.ts';
import type { OpenConversation } from './console.store.ts';
import { h } from './dom.ts';

const OPEN_PLACEHOLDER = 'Write a reply… (Enter sends, Shift+Enter for a new line)';

function closedPlaceholder(data: OpenConversation['conversation']) {
  if (data?.state === 'escalated.closed')
    return 'This conversation is resolved. If the visitor writes again, the bot answers.';
  if (data?.owner === 'bot')
    return 'The bot owns this conversation: escalate or switch the bot off to write.';
  return 'Take the conversation to reply.';
}

export function replyComposer(shell: ConsoleShell) {
  const { convo, api, act } = shell;
  const replyBox = h('textarea', { id: 'reply', rows: '2', placeholder: OPEN_PLACEHOLDER });
  const send = h('button', { type: 'submit', class: 'primary', id: 'send' }, 'Send');
  const element = h(
    'form',
    { class: 'reply', id: 'reply-form' },
    h('label', { class: 'sr-only', for: 'reply' }, 'Reply to the visitor'),
    replyBox,
    send,
  );

  // "Typing" goes out at most every 3 seconds while the operator writes, and stops 4 seconds after.
  let typingSentAt = 0;
  let typingStop = 0;
  function sendTyping(typing: boolean) {
    const id = convo.getSnapshot().context.id;
    if (id)
      void api(`/conversations/${encodeURIComponent(id)}/typing`, { method: 'POST', body: { typing } }).catch(
        () => {},
      );
  }
  replyBox.addEventListener('input', () => {
    if (Date.now() - typingSentAt > 3000) {
      typingSentAt = Date.now();
      sendTyping(true);
    }
    clearTimeout(typingStop);
    typingStop = window.setTimeout(() => {
      typingSentAt = 0;
      sendTyping(false);
    }, 4000);
  });
  replyBox.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      element.requestSubmit();
    }
  });
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = replyBox.value.trim();
    if (!text || convo.getSnapshot().context.busy) return;
    replyBox.value = '';
    clearTimeout(typingStop);
    typingSentAt = 0;
    const ok = await act('agent-messages', { text, clientMessageId: crypto.randomUUID() });
    if (!ok && !replyBox.value) replyBox.value = text;
    replyBox.focus();
  });

  function render(c: OpenConversation) {
    const allowed = c.conversation?.allowed;
    replyBox.disabled = !allowed?.message;
    replyBox.placeholder = allowed?.message ? OPEN_PLACEHOLDER : closedPlaceholder(c.conversation);
    send.disabled = !allowed?.message || c.busy;
  }
  return { element, replyBox, render };
}
