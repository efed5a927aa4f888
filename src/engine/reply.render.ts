// Renders the machine's `say` actions into the visitor-facing text, tuned to the visitor's mood:
// an angry visitor hears an apology and the expected response time first, a confused one plainer words.

import { responsePromise } from '../config/response-time.ts';
import type { Knowledge } from '../content/knowledge.ts';
import type { ConversationContext } from '../machines/conversation.context.ts';

export type ReplyRole = 'bot' | 'system';

export interface RenderExtras {
  /** Filled in by effects that run before the reply (ticket number, queue position). */
  ticketNumber?: string;
  agentName?: string;
}

/** Notices about what people did (an agent joined, a ticket was solved): not the bot speaking. */
const SYSTEM_KEYS = new Set(['ticket.solved']);

export function replyRole(key: string): ReplyRole {
  return key.startsWith('escalated.') || SYSTEM_KEYS.has(key) ? 'system' : 'bot';
}

export function renderReply(
  key: string,
  ctx: ConversationContext,
  knowledge: Knowledge,
  extras: RenderExtras = {},
): string {
  const category = knowledge.categories[ctx.category ?? 'other'];
  const steps = category.steps;
  const angry = ctx.sentiment.label === 'angry' || ctx.sentiment.score <= -0.5;
  const confused = !angry && ctx.sentiment.label === 'confused';
  const sorry = angry ? "I'm sorry this has been so frustrating. " : '';
  switch (key) {
    case 'greeting.welcome':
      return "Hi! I'm the Switchboard assistant. Tell me what's going on, or pick a topic below.";
    case 'issue_gathering.ask':
      return 'What can I help you with today? A sentence about the problem is enough.';
    case 'issue_gathering.clarify':
      if (confused)
        return 'No problem, let\'s take it one step at a time. Just tell me in your own words what went wrong, for example "I can\'t log in" or "my parcel has not arrived".';
      return `${sorry}I'm not sure I understood. Is it about logging in, a payment, a delivery, a refund or a technical problem?`;
    case 'troubleshooting.step': {
      const step = steps[Math.min(ctx.stepIndex, steps.length - 1)] ?? '';
      const lead =
        ctx.stepIndex === 0
          ? `Let's sort out your ${category.label.toLowerCase()} problem.`
          : "Let's try something else.";
      const plain = confused ? ' Take your time: do just this one thing, then tell me what happened.' : '';
      const human = angry ? ' If you would rather talk to a person, just say so.' : '';
      return `${sorry}${lead} Step ${ctx.stepIndex + 1} of ${steps.length}: ${step}${plain}${human}`;
    }
    case 'troubleshooting.did_it_work':
      if (confused)
        return 'No problem. Did the step above fix it? Press "That worked" or "Still not working".';
      if (angry)
        return `${sorry}Did that step fix it? If not, say "agent" and I'll get you to a person right away.`;
      return 'Did that help? Let me know if it worked or if the problem is still there.';
    case 'awaiting_confirmation.ask':
      return confused
        ? 'Is the problem fixed now? Please answer yes or no.'
        : 'Great! Is everything sorted now?';
    case 'resolved.goodbye':
      return ctx.closedReason === 'inactivity'
        ? "I haven't heard from you in a while, so I'm closing this chat. Write again any time and I'll pick it up."
        : "Glad that's sorted! If anything else comes up, just write here.";
    case 'escalation_options.offer': {
      // After a failed live-chat handoff only the callback and the ticket are on offer (handoff.failed said why).
      if (ctx.instantChatUnavailable)
        return 'Would you like us to call you back, or shall I open a ticket? Choose one below: 1 = callback, 2 = ticket.';
      // Angry: the apology and when a person will answer come first, before any choice is asked of them.
      const apology = angry
        ? `I'm really sorry about this. I've marked your case ${ctx.priority}: a person will answer ${responsePromise(knowledge.responseSeconds[ctx.priority])}, usually much sooner in the live chat. `
        : '';
      const why =
        ctx.triggers.includes('attempts_exhausted') ||
        ctx.triggers.includes('no_steps_left') ||
        ctx.triggers.includes('tried_everything')
          ? "Those steps didn't solve it, so let's get you to a person. "
          : '';
      if (confused)
        return `${why}A person from our team can help you. Choose one: 1 = chat with someone now, 2 = we phone you, 3 = we answer you by e-mail.`;
      return `${apology}${why}How would you like to continue? Chat with an agent now, get a callback, or open a ticket.`;
    }
    case 'escalation_options.choose':
      return confused
        ? 'Just type 1 to chat with someone now, 2 for a phone call, or 3 for an e-mail answer.'
        : 'Please choose one of the options: type 1, 2 or 3, or press a button.';
    case 'escalated.queued':
      return "You're in the queue for an agent. They will see everything you've told me, so you won't need to repeat yourself.";
    case 'escalated.assigned':
      return `${extras.agentName ?? 'An agent'} has joined the chat.`;
    case 'escalated.still_waiting':
      return "Thanks for waiting — you're still in the queue and an agent will be with you shortly.";
    case 'escalated.closed':
      return 'The agent has closed this conversation. Write again any time if you need more help.';
    case 'handoff.failed':
      // Honest: the live chat could not be reached; the other two ways still work (instant chat is gone).
      return "I'm sorry: I couldn't reach our live chat team just now, so I can't connect you to an agent here. I can arrange a callback or open a ticket for you instead.";
    case 'handoff.missed':
      // Honest: the chat reached the team but nobody could take it; the other two ways still work.
      return "I'm sorry: nobody from our live chat team could take your chat just now. I can arrange a callback or open a ticket for you instead.";
    case 'satisfaction.ask':
      return 'How did we do? Please rate this conversation from 1 (poor) to 5 (excellent).';
    case 'satisfaction.thanks':
      return "Thank you for rating us! If you'd like to tell us more, just write it here.";
    case 'satisfaction.comment_thanks':
      return "Thanks, I've passed that on to the team. Write again any time if you need more help.";
    case 'ticket.solved':
      return extras.ticketNumber
        ? `Your ticket ${extras.ticketNumber} has been marked as solved. If anything is still wrong, just write here.`
        : 'Your ticket has been marked as solved. If anything is still wrong, just write here.';
    case 'handback':
      return "I'm back to help. Tell me if there's anything else I can do.";
    case 'callback.ask_phone':
      return 'Which phone number should we call? Please include the country code, for example +44 20 7946 0958. (Or press "Back to options" to choose another way.)';
    case 'callback.after_phone':
      return ctx.inputProblem
        ? `Sorry, ${ctx.inputProblem}. Which number should we call?`
        : `Thanks, we'll call ${ctx.visitor.phone ?? 'you'}. When suits you best? For example "tomorrow 9-11am" or "weekdays after 5pm".`;
    case 'callback.invalid_window':
      return `Sorry, ${ctx.inputProblem ?? 'I did not get that'}. When should we call?`;
    case 'callback.scheduled':
      return `Done: we'll call ${ctx.visitor.phone ?? 'you'} ${ctx.visitor.callbackWindow ? `(${ctx.visitor.callbackWindow})` : 'soon'}. If anything else comes up, just write here.`;
    case 'ticket.ask_email':
      return 'Which e-mail address should we reply to? (Or press "Back to options" to choose another way.)';
    case 'ticket.ask_description':
      return `We'll reply to ${ctx.visitor.email ?? 'you'}. Please describe the problem in a few sentences, so the team can start right away. (Or press "Back to options" to choose another way.)`;
    case 'ticket.after_email':
      return ctx.inputProblem
        ? `Sorry, ${ctx.inputProblem}. Which e-mail address should we use?`
        : 'Thanks. Please describe the problem in a few sentences, so the team can start right away.';
    case 'ticket.invalid_description':
      return `Sorry, ${ctx.inputProblem ?? 'I did not get that'}. What is the problem?`;
    case 'ticket.created': {
      const when = `${responsePromise(knowledge.responseSeconds[ctx.priority])} (${ctx.priority} priority)`;
      const to = ctx.visitor.email ?? 'you';
      return extras.ticketNumber
        ? `Your ticket ${extras.ticketNumber} is open. We'll reply to ${to} ${when}. Please keep the number ${extras.ticketNumber} for reference.`
        : `Your ticket is open. We'll reply to ${to} ${when}.`;
    }
    default:
      return key;
  }
}
