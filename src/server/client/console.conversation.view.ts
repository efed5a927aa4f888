// The open conversation: who it is and its state, the operator's actions (take, assign, resolve, escalate,
// hand back, the bot switch), the transcript updated in place, the visitor's typing, and the reply box.
import { RESOLUTION_CATEGORIES } from '../operator.constants.ts';
import { clock, hasEnded, shortId, stateName, visitorName } from './console.format.ts';
import type { ConsoleShell } from './console.shell.ts';
import type { Conversation, Message } from './console.store.ts';
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

/** What the conversation view updates beside itself: the queue's marker and the findings panel. */
export interface ConversationSurroundings {
  markOpen(id: string | null): void;
  findings(data: Conversation | null): void;
}

export function conversationView(shell: ConsoleShell, around: ConversationSurroundings) {
  const { auth, convo, me, act, api } = shell;
  const appView = h(
    'section',
    { class: 'conversation', 'aria-label': 'Conversation' },
    h(
      'div',
      { class: 'empty', id: 'conv-empty' },
      h('h2', {}, 'No conversation open'),
      h(
        'p',
        {},
        'Pick a conversation from the queue. The most urgent, longest-waiting visitor is at the top.',
      ),
      h(
        'p',
        { class: 'muted' },
        'Keys: j / k move in the queue · Enter opens · t takes · r replies · / searches · ? lists all.',
      ),
    ),
    h(
      'div',
      { class: 'conv', id: 'conv', hidden: true },
      h(
        'header',
        { class: 'conv-head' },
        h(
          'div',
          { class: 'conv-title' },
          h(
            'button',
            { type: 'button', class: 'phone-only', id: 'back', 'aria-label': 'Back to the queue' },
            '←',
          ),
          h('h2', { id: 'conv-title' }),
          h('span', { class: 'muted conv-id', id: 'conv-id' }),
          h('span', { class: 'badge', id: 'conv-state' }),
          h('span', { class: 'muted', id: 'conv-assignee' }),
          h(
            'button',
            { type: 'button', class: 'phone-only', id: 'details-toggle', 'aria-expanded': 'false' },
            'Details',
          ),
        ),
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            {
              type: 'button',
              role: 'switch',
              id: 'bot-switch',
              'aria-checked': 'false',
              class: 'switch',
            },
            h('span', { class: 'knob', 'aria-hidden': 'true' }),
            h('span', { class: 'switch-label' }, 'Bot'),
          ),
          h('button', { type: 'button', id: 'take', class: 'primary' }, 'Take'),
          h(
            'span',
            { id: 'assign-wrap', class: 'assign', hidden: true },
            h('label', { class: 'sr-only', for: 'assign-to' }, 'Assign to'),
            h('select', { id: 'assign-to' }),
            h('button', { type: 'button', id: 'assign' }, 'Assign'),
          ),
          h('button', { type: 'button', id: 'resolve-open' }, 'Resolve…'),
          h('button', { type: 'button', id: 'escalate-open' }, 'Escalate…'),
          h('button', { type: 'button', id: 'handback' }, 'Hand back to bot'),
        ),
      ),
      h('p', { class: 'notice', id: 'notice', role: 'alert' }),
      h(
        'form',
        { class: 'inline-form', id: 'resolve-form', hidden: true, 'aria-label': 'Resolve' },
        h(
          'p',
          { class: 'form-warning', id: 'resolve-warning', hidden: true },
          'Nobody has answered this visitor yet: resolving closes the chat without a reply.',
        ),
        h('label', { for: 'resolve-notes' }, 'Resolution notes'),
        h('textarea', {
          id: 'resolve-notes',
          rows: '2',
          required: true,
          placeholder: 'What was done? (Ctrl+Enter to resolve)',
        }),
        h('label', { for: 'resolve-category' }, 'Resolution'),
        selectBox(
          'resolve-category',
          null,
          RESOLUTION_CATEGORIES.map((c) => [c, RESOLUTION_LABELS[c]] as const),
        ),
        h(
          'div',
          { class: 'form-buttons' },
          h('button', { type: 'submit', class: 'primary' }, 'Resolve'),
          h('button', { type: 'button', class: 'cancel' }, 'Cancel'),
        ),
      ),
      h(
        'form',
        { class: 'inline-form', id: 'escalate-form', hidden: true, 'aria-label': 'Escalate' },
        h(
          'p',
          { class: 'form-warning' },
          'The bot goes silent and this visitor joins the live queue for a person.',
        ),
        h('label', { for: 'escalate-reason' }, 'Why does a person take over?'),
        h('input', {
          id: 'escalate-reason',
          required: true,
          minlength: '3',
          placeholder: 'e.g. VIP customer, bot is looping',
        }),
        h(
          'div',
          { class: 'form-buttons' },
          h('button', { type: 'submit', class: 'primary' }, 'Escalate'),
          h('button', { type: 'button', class: 'cancel' }, 'Cancel'),
        ),
      ),
      h('div', {
        class: 'transcript',
        id: 'transcript',
        role: 'log',
        'aria-live': 'polite',
        'aria-label': 'Transcript',
        tabindex: '0',
      }),
      h('p', { class: 'typing', id: 'visitor-typing', 'aria-live': 'polite' }),
      h(
        'form',
        { class: 'reply', id: 'reply-form' },
        h('label', { class: 'sr-only', for: 'reply' }, 'Reply to the visitor'),
        h('textarea', {
          id: 'reply',
          rows: '2',
          placeholder: 'Write a reply… (Enter sends, Shift+Enter for a new line)',
        }),
        h('button', { type: 'submit', class: 'primary', id: 'send' }, 'Send'),
      ),
    ),
  );
  const transcript = $<HTMLDivElement>(appView, '#transcript');
  const replyBox = $<HTMLTextAreaElement>(appView, '#reply');

  // A click on Take goes on to the reply box; the `t` key does not, so the hinted "t, then r" does not
  // type an "r" into the visitor's reply.
  function take(focusReply: boolean) {
    const self = me();
    if (self) void act('assign', { agentId: self.id }).then((ok) => ok && focusReply && replyBox.focus());
  }
  $(appView, '#take').addEventListener('click', () => take(true));
  $(appView, '#assign').addEventListener('click', () => {
    const agentId = $<HTMLSelectElement>(appView, '#assign-to').value;
    if (agentId) void act('assign', { agentId });
  });
  $(appView, '#handback').addEventListener(
    'click',
    () => void act('handback', {}, 'Handed back: the bot answers again.'),
  );
  // Switching the bot off puts the visitor in the live queue: it asks for a reason first (the escalate
  // form), never on one click. Switching it on is the hand-back, as the button next to it.
  $(appView, '#bot-switch').addEventListener('click', () => {
    const c = convo.getSnapshot().context.conversation;
    if (!c) return;
    if (c.botEnabled) {
      convo.trigger.formOpened({ form: 'escalate' });
      $<HTMLInputElement>(appView, '#escalate-reason').focus();
      return;
    }
    void act('bot', { enabled: true }, 'Bot switched on.');
  });
  $(appView, '#resolve-open').addEventListener('click', () => {
    convo.trigger.formOpened({ form: 'resolve' });
    $<HTMLTextAreaElement>(appView, '#resolve-notes').focus();
  });
  $(appView, '#escalate-open').addEventListener('click', () => {
    convo.trigger.formOpened({ form: 'escalate' });
    $<HTMLInputElement>(appView, '#escalate-reason').focus();
  });
  for (const form of appView.querySelectorAll<HTMLFormElement>('.inline-form'))
    $(form, '.cancel').addEventListener('click', () => convo.trigger.formOpened({ form: null }));
  const resolveForm = $<HTMLFormElement>(appView, '#resolve-form');
  resolveForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const notes = $<HTMLTextAreaElement>(appView, '#resolve-notes');
    const resolutionCategory = $<HTMLSelectElement>(appView, '#resolve-category').value;
    if (!notes.value.trim())
      return convo.trigger.actionFailed({ error: 'Write a short note on what was done.' });
    if (
      await act(
        'resolve',
        { notes: notes.value, resolutionCategory },
        'Resolved. The visitor’s next message starts a new bot conversation.',
      )
    )
      notes.value = '';
  });
  $(appView, '#resolve-notes').addEventListener('keydown', (event) => {
    const e = event as KeyboardEvent;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) resolveForm.requestSubmit();
  });
  $<HTMLFormElement>(appView, '#escalate-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const reason = $<HTMLInputElement>(appView, '#escalate-reason');
    if (
      await act(
        'escalate',
        { reason: reason.value },
        'Escalated: the bot is silent and the chat is in the queue.',
      )
    )
      reason.value = '';
  });

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
      $<HTMLFormElement>(appView, '#reply-form').requestSubmit();
    }
  });
  $<HTMLFormElement>(appView, '#reply-form').addEventListener('submit', async (event) => {
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

  let renderedConversation: string | null = null;
  let renderedSeqs = new Set<number>();
  function render() {
    const c = convo.getSnapshot().context;
    const conv = $<HTMLDivElement>(appView, '#conv');
    $(appView, '#conv-empty').hidden = Boolean(c.id);
    conv.hidden = !c.id;
    around.markOpen(c.id);
    if (!c.id) {
      renderedConversation = null;
      around.findings(null);
      return;
    }
    const data = c.conversation;
    const self = me();
    conv.dataset.id = c.id;
    $(appView, '#conv-title').textContent = data ? visitorName(data.findings.visitor) : '';
    $(appView, '#conv-id').textContent = `#${shortId(c.id)}`;
    const stateBadge = $(appView, '#conv-state');
    stateBadge.textContent = data ? stateName(data.state) : c.loading ? 'loading…' : '';
    stateBadge.dataset.state = data?.state ?? '';
    stateBadge.className = `badge state-${(data?.state ?? '').replace(/\W/g, '-')}`;
    // Who has it now: the badge already says "Waiting for an agent"; after a hand-back the bot has it,
    // whoever was assigned before.
    const withAgent = data?.state === 'escalated.assigned' || data?.state === 'escalated.closed';
    $(appView, '#conv-assignee').textContent =
      data?.assignedAgent && withAgent
        ? `${data.state === 'escalated.closed' ? 'resolved by' : 'assigned to'} ${data.assignedAgent.id === self?.id ? 'you' : (data.assignedAgent.displayName ?? shortId(data.assignedAgent.id))}`
        : data?.owner === 'bot' && !hasEnded(data.state)
          ? 'the bot is answering'
          : '';
    $(appView, '#resolve-warning').hidden = data?.state !== 'escalated.queued';
    const allowed = data?.allowed;
    const disable = (id: string, off: boolean) => {
      $<HTMLButtonElement>(appView, id).disabled = off || c.busy;
    };
    disable('#take', !allowed?.take);
    disable('#resolve-open', !allowed?.resolve);
    disable('#escalate-open', !allowed?.escalate);
    disable('#handback', !allowed?.handback);
    const botSwitch = $<HTMLButtonElement>(appView, '#bot-switch');
    botSwitch.setAttribute('aria-checked', String(Boolean(data?.botEnabled)));
    botSwitch.title = data?.botEnabled
      ? 'The bot answers. Switch off to take over.'
      : 'A person owns this chat. Switch on to hand back to the bot.';
    $(botSwitch, '.switch-label').textContent = data?.botEnabled ? 'Bot on' : 'Bot off';
    botSwitch.disabled = !data || c.busy || !(data.botEnabled ? allowed?.escalate : allowed?.handback);
    $<HTMLSpanElement>(appView, '#assign-wrap').hidden =
      self?.role !== 'admin' ||
      (!allowed?.take && !(data?.owner === 'human' && data.state !== 'escalated.closed'));
    $<HTMLButtonElement>(appView, '#assign').disabled = c.busy;
    replyBox.disabled = !allowed?.message;
    replyBox.placeholder = allowed?.message
      ? 'Write a reply… (Enter sends, Shift+Enter for a new line)'
      : data?.state === 'escalated.closed'
        ? 'This conversation is resolved. If the visitor writes again, the bot answers.'
        : data?.owner === 'bot'
          ? 'The bot owns this conversation: escalate or switch the bot off to write.'
          : 'Take the conversation to reply.';
    $<HTMLButtonElement>(appView, '#send').disabled = !allowed?.message || c.busy;
    $(appView, '#notice').textContent = c.error ?? c.notice ?? '';
    $<HTMLFormElement>(appView, '#resolve-form').hidden = c.form !== 'resolve';
    $<HTMLFormElement>(appView, '#escalate-form').hidden = c.form !== 'escalate';

    if (renderedConversation !== c.id) {
      renderedConversation = c.id;
      renderedSeqs = new Set();
      transcript.replaceChildren();
    }
    const atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
    let added = false;
    for (const m of c.messages) {
      if (renderedSeqs.has(m.seq)) continue;
      renderedSeqs.add(m.seq);
      transcript.append(bubble(m));
      added = true;
    }
    if (added && (atBottom || transcript.childElementCount === c.messages.length))
      transcript.scrollTop = transcript.scrollHeight;
    around.findings(data);
  }

  function bubble(m: Message) {
    const who =
      m.role === 'visitor'
        ? 'Visitor'
        : m.role === 'bot'
          ? 'Bot'
          : m.role === 'operator'
            ? m.agentId === me()?.id
              ? 'You'
              : (shell.operatorName(m.agentId ?? null) ?? 'Agent')
            : 'System';
    return h(
      'div',
      { class: `msg ${m.role}`, 'data-seq': String(m.seq) },
      h('span', { class: 'who' }, who, h('time', { datetime: m.at }, clock(m.at))),
      h('span', { class: 'text' }, m.text),
    );
  }

  convo.subscribe(render);
  auth.subscribe(({ context: a }) => {
    const assignTo = $<HTMLSelectElement>(appView, '#assign-to');
    const current = assignTo.value;
    assignTo.replaceChildren(
      ...a.operators.map((o) => h('option', { value: o.id }, `${o.displayName} (${o.role})`)),
    );
    if (current) assignTo.value = current;
    render();
  });

  /** Once a second: the visitor's typing line. */
  function tick(now: number) {
    const c = convo.getSnapshot().context;
    $(appView, '#visitor-typing').textContent = c.visitorTypingUntil > now ? 'The visitor is typing…' : '';
  }
  const takeButton = $<HTMLButtonElement>(appView, '#take');
  // On a phone the queue, the conversation and the details take turns on the screen (console.css).
  $(appView, '#back').addEventListener('click', () => {
    history.replaceState(null, '', location.pathname);
    convo.trigger.closed();
  });
  const details = $<HTMLButtonElement>(appView, '#details-toggle');
  details.addEventListener('click', () => {
    const layout = appView.closest<HTMLElement>('.layout');
    const show = layout?.dataset.details !== 'true';
    if (layout) layout.dataset.details = String(show);
    details.setAttribute('aria-expanded', String(show));
  });
  return {
    element: appView,
    replyBox,
    tick,
    /** The `t` key: takes without moving the focus. */
    takeByKey() {
      if (!takeButton.disabled) take(false);
    },
  };
}
