// Quick-reply buttons are a function of the state (and a flag or two of context): a button is only a
// button in the state that showed it. Each button names the machine event it stands for.
import type { Category } from '../detection/detection.types.ts';
import type { ConversationContext } from './conversation.context.ts';
import type { EscalationOption } from './conversation.events.ts';

export type ButtonAction =
  | { type: 'VISITOR.ISSUE'; category: Category }
  | { type: 'VISITOR.SOLUTION_WORKED' }
  | { type: 'VISITOR.SOLUTION_FAILED' }
  | { type: 'VISITOR.ESCALATION_REQUEST'; reason: string }
  | { type: 'VISITOR.AFFIRM' }
  | { type: 'VISITOR.DENY' }
  | { type: 'VISITOR.CHOOSE'; option: EscalationOption }
  | { type: 'VISITOR.CANCEL' }
  | { type: 'VISITOR.RATE'; rating: 1 | 2 | 3 | 4 | 5 };

export interface Button {
  id: string;
  label: string;
  emoji?: string;
  action: ButtonAction;
}

export interface ButtonSet {
  buttons: Button[];
  /** Whether "1", "option 2" … select a button. Only lists that read as numbered options are numbered. */
  numbered: boolean;
}

const categoryButtons: Button[] = [
  {
    id: 'category_login',
    label: 'Login or password',
    emoji: '🔑',
    action: { type: 'VISITOR.ISSUE', category: 'login' },
  },
  {
    id: 'category_payment',
    label: 'Payment',
    emoji: '💳',
    action: { type: 'VISITOR.ISSUE', category: 'payment' },
  },
  {
    id: 'category_delivery',
    label: 'Delivery',
    emoji: '📦',
    action: { type: 'VISITOR.ISSUE', category: 'delivery' },
  },
  {
    id: 'category_refund',
    label: 'Refund',
    emoji: '💸',
    action: { type: 'VISITOR.ISSUE', category: 'refund' },
  },
  {
    id: 'category_technical',
    label: 'Technical problem',
    emoji: '🛠️',
    action: { type: 'VISITOR.ISSUE', category: 'technical' },
  },
];

const talkToHuman: Button = {
  id: 'talk_to_human',
  label: 'Talk to a human',
  emoji: '🙋',
  action: { type: 'VISITOR.ESCALATION_REQUEST', reason: 'visitor pressed "Talk to a human"' },
};

const cancel: Button = {
  id: 'cancel',
  label: 'Back to options',
  emoji: '↩️',
  action: { type: 'VISITOR.CANCEL' },
};

export const ESCALATION_BUTTONS: Record<EscalationOption, Button> = {
  instant_chat: {
    id: 'instant_chat',
    label: 'Instant Chat',
    emoji: '📞',
    action: { type: 'VISITOR.CHOOSE', option: 'instant_chat' },
  },
  callback: {
    id: 'callback',
    label: 'Schedule Callback',
    emoji: '🗓️',
    action: { type: 'VISITOR.CHOOSE', option: 'callback' },
  },
  ticket: {
    id: 'ticket',
    label: 'Create Ticket',
    emoji: '🎫',
    action: { type: 'VISITOR.CHOOSE', option: 'ticket' },
  },
};

const NONE: ButtonSet = { buttons: [], numbered: false };

const RATING_LABELS = ['Poor', 'Fair', 'Good', 'Very good', 'Excellent'] as const;
/** 1–5, numbered so a typed "4" rates too (WhatsApp shows them as a list: more than three options). */
const ratingButtons: ButtonSet = {
  buttons: RATING_LABELS.map((label, i) => ({
    id: `rate_${i + 1}`,
    label: `${i + 1} – ${label}`,
    action: { type: 'VISITOR.RATE', rating: (i + 1) as 1 | 2 | 3 | 4 | 5 },
  })),
  numbered: true,
};

/** `state` is the dotted state path, e.g. `escalated.queued`. */
export function offeredButtons(state: string, context: ConversationContext): ButtonSet {
  switch (state) {
    case 'greeting':
    case 'issue_gathering':
      return { buttons: categoryButtons, numbered: false };
    case 'troubleshooting':
      return {
        buttons: [
          {
            id: 'solution_worked',
            label: 'That worked',
            emoji: '✅',
            action: { type: 'VISITOR.SOLUTION_WORKED' },
          },
          {
            id: 'solution_failed',
            label: 'Still not working',
            emoji: '❌',
            action: { type: 'VISITOR.SOLUTION_FAILED' },
          },
          talkToHuman,
        ],
        numbered: false,
      };
    case 'awaiting_confirmation':
      return {
        buttons: [
          {
            id: 'confirm_resolved',
            label: 'Yes, all sorted',
            emoji: '👍',
            action: { type: 'VISITOR.AFFIRM' },
          },
          {
            id: 'still_a_problem',
            label: 'No, still a problem',
            emoji: '👎',
            action: { type: 'VISITOR.DENY' },
          },
        ],
        numbered: false,
      };
    case 'escalation_options': {
      const options = context.instantChatUnavailable
        ? [ESCALATION_BUTTONS.callback, ESCALATION_BUTTONS.ticket]
        : [ESCALATION_BUTTONS.instant_chat, ESCALATION_BUTTONS.callback, ESCALATION_BUTTONS.ticket];
      return { buttons: options, numbered: true };
    }
    case 'callback_collection':
    case 'ticket_collection':
      return { buttons: [cancel], numbered: false };
    case 'escalated.closed':
    case 'ticket_created':
    case 'ticket_solved':
      return context.satisfaction === 'offered' ? ratingButtons : NONE;
    default:
      return NONE;
  }
}

/** The public view of a button (what the widget renders): no machine internals. */
export function publicButton(button: Button): { id: string; label: string; emoji?: string } {
  return button.emoji
    ? { id: button.id, label: button.label, emoji: button.emoji }
    : { id: button.id, label: button.label };
}
