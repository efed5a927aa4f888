// The conversation's action bar: the bot switch, Take, Assign (admins), Resolve…, Escalate… and Hand
// back, each enabled as the server's `allowed` says and disabled while an action runs.
import type { ConsoleShell } from './console.shell.ts';
import type { OpenConversation, OperatorInfo, Teammate } from './console.store.ts';
import { h } from './dom.ts';

export interface ActionBarMoves {
  /** Opens the resolve or escalate form, its first field focused. */
  openForm(form: 'resolve' | 'escalate'): void;
  focusReply(): void;
}

export function actionBar(shell: ConsoleShell, moves: ActionBarMoves) {
  const { convo, me, act } = shell;
  const switchLabel = h('span', { class: 'switch-label' }, 'Bot');
  const botSwitch = h(
    'button',
    { type: 'button', role: 'switch', id: 'bot-switch', 'aria-checked': 'false', class: 'switch' },
    h('span', { class: 'knob', 'aria-hidden': 'true' }),
    switchLabel,
  );
  const takeButton = h('button', { type: 'button', id: 'take', class: 'primary' }, 'Take');
  const assignTo = h('select', { id: 'assign-to' });
  const assignButton = h('button', { type: 'button', id: 'assign' }, 'Assign');
  const assignWrap = h(
    'span',
    { id: 'assign-wrap', class: 'assign', hidden: true },
    h('label', { class: 'sr-only', for: 'assign-to' }, 'Assign to'),
    assignTo,
    assignButton,
  );
  const resolveOpen = h('button', { type: 'button', id: 'resolve-open' }, 'Resolve…');
  const escalateOpen = h('button', { type: 'button', id: 'escalate-open' }, 'Escalate…');
  const handback = h('button', { type: 'button', id: 'handback' }, 'Hand back to bot');
  const element = h(
    'div',
    { class: 'actions' },
    botSwitch,
    takeButton,
    assignWrap,
    resolveOpen,
    escalateOpen,
    handback,
  );

  // A click on Take goes on to the reply box; the `t` key does not, so the hinted "t, then r" does not
  // type an "r" into the visitor's reply.
  function take(focusReply: boolean) {
    const self = me();
    if (self) void act('assign', { agentId: self.id }).then((ok) => ok && focusReply && moves.focusReply());
  }
  takeButton.addEventListener('click', () => take(true));
  assignButton.addEventListener('click', () => {
    const agentId = assignTo.value;
    if (agentId) void act('assign', { agentId });
  });
  handback.addEventListener('click', () => void act('handback', {}, 'Handed back: the bot answers again.'));
  // Switching the bot off puts the visitor in the live queue: it asks for a reason first (the escalate
  // form), never on one click. Switching it on is the hand-back, as the button next to it.
  botSwitch.addEventListener('click', () => {
    const c = convo.getSnapshot().context.conversation;
    if (!c) return;
    if (c.botEnabled) return moves.openForm('escalate');
    void act('bot', { enabled: true }, 'Bot switched on.');
  });
  resolveOpen.addEventListener('click', () => moves.openForm('resolve'));
  escalateOpen.addEventListener('click', () => moves.openForm('escalate'));

  function render(c: OpenConversation, self: OperatorInfo | null) {
    const data = c.conversation;
    const allowed = data?.allowed;
    takeButton.disabled = !allowed?.take || c.busy;
    resolveOpen.disabled = !allowed?.resolve || c.busy;
    escalateOpen.disabled = !allowed?.escalate || c.busy;
    handback.disabled = !allowed?.handback || c.busy;
    botSwitch.setAttribute('aria-checked', String(Boolean(data?.botEnabled)));
    botSwitch.title = data?.botEnabled
      ? 'The bot answers. Switch off to take over.'
      : 'A person owns this chat. Switch on to hand back to the bot.';
    switchLabel.textContent = data?.botEnabled ? 'Bot on' : 'Bot off';
    botSwitch.disabled = !data || c.busy || !(data.botEnabled ? allowed?.escalate : allowed?.handback);
    assignWrap.hidden =
      self?.role !== 'admin' ||
      (!allowed?.take && !(data?.owner === 'human' && data.state !== 'escalated.closed'));
    assignButton.disabled = c.busy;
  }

  /** The Assign list follows the operator list, keeping the choice made. */
  function setOperators(operators: Teammate[]) {
    const current = assignTo.value;
    assignTo.replaceChildren(
      ...operators.map((o) => h('option', { value: o.id }, `${o.displayName} (${o.role})`)),
    );
    if (current) assignTo.value = current;
  }

  return {
    element,
    render,
    setOperators,
    /** The `t` key: takes without moving the focus. */
    takeByKey() {
      if (!takeButton.disabled) take(false);
    },
  };
}
