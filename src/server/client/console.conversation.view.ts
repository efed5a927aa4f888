// The open conversation: who it is and its state, the operator's actions (take, assign, resolve, escalate,
// hand back, the bot switch), the transcript updated in place, the visitor's typing, and the reply box.
// Each part is its own file (console.conversation.*.ts); this one lays them out and renders them together.
import { actionBar } from './console.conversation.actions.ts';
import { replyComposer } from './console.conversation.composer.ts';
import { conversationForms } from './console.conversation.forms.ts';
import { conversationHead } from './console.conversation.head.ts';
import { transcriptView } from './console.conversation.transcript.ts';
import type { ConsoleShell } from './console.shell.ts';
import type { Conversation } from './console.store.ts';
import { h } from './dom.ts';

/** What the conversation view updates beside itself: the queue's marker and the findings panel. */
export interface ConversationSurroundings {
  markOpen(id: string | null): void;
  findings(data: Conversation | null): void;
}

const nothingOpen = () =>
  h(
    'div',
    { class: 'empty', id: 'conv-empty' },
    h('h2', {}, 'No conversation open'),
    h('p', {}, 'Pick a conversation from the queue. The most urgent, longest-waiting visitor is at the top.'),
    h(
      'p',
      { class: 'muted' },
      'Keys: j / k move in the queue · Enter opens · t takes · r replies · / searches · ? lists all.',
    ),
  );

export function conversationView(shell: ConsoleShell, around: ConversationSurroundings) {
  const { auth, convo, me } = shell;
  const head = conversationHead(convo);
  const composer = replyComposer(shell);
  const forms = conversationForms(shell);
  const actions = actionBar(shell, { openForm: forms.open, focusReply: () => composer.replyBox.focus() });
  const transcript = transcriptView(shell);
  const notice = h('p', { class: 'notice', id: 'notice', role: 'alert' });
  const empty = nothingOpen();
  const conv = h(
    'div',
    { class: 'conv', id: 'conv', hidden: true },
    h('header', { class: 'conv-head' }, head.element, actions.element),
    notice,
    forms.resolve,
    forms.escalate,
    transcript.element,
    transcript.typingLine,
    composer.element,
  );
  const element = h('section', { class: 'conversation', 'aria-label': 'Conversation' }, empty, conv);

  function render() {
    const c = convo.getSnapshot().context;
    empty.hidden = Boolean(c.id);
    conv.hidden = !c.id;
    around.markOpen(c.id);
    if (!c.id) {
      transcript.reset();
      around.findings(null);
      return;
    }
    const open = { ...c, id: c.id };
    const self = me();
    conv.dataset.id = c.id;
    head.render(open, self);
    actions.render(c, self);
    composer.render(c);
    notice.textContent = c.error ?? c.notice ?? '';
    forms.render(c);
    transcript.render(open);
    around.findings(c.conversation);
  }

  convo.subscribe(render);
  auth.subscribe(({ context: a }) => {
    actions.setOperators(a.operators);
    render();
  });

  return {
    element,
    replyBox: composer.replyBox,
    tick: (now: number) => transcript.tick(convo.getSnapshot().context, now),
    takeByKey: actions.takeByKey,
  };
}
