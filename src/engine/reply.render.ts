// Renders the machine's `say` actions into the visitor-facing text, in the session's language (templates
// in content/replies.yaml and content/<lang>/replies.yaml), tuned to the visitor's mood: an angry visitor
// hears an apology and the expected response time first, a confused one plainer words. This file only
// picks the variant and fills the placeholders; every word is content.
import { contentFor, type Knowledge, type Replies } from '../content/knowledge.ts';
import type { Priority } from '../detection/detection.types.ts';
import type { ConversationContext } from '../machines/conversation.context.ts';
import { formatPhone } from '../machines/visitor-info.parse.ts';

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

const PLACEHOLDER = /\{(\w+)\}/g;

/** "GB" → "United Kingdom" / "Reino Unido" (ICU's region names); null when ICU has none. */
function countryName(code: string, language: string): string | null {
  try {
    const name = new Intl.DisplayNames([language], { type: 'region' }).of(code);
    return name && name !== code ? name : null;
  } catch {
    return null;
  }
}

function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}

export function renderReply(
  key: string,
  ctx: ConversationContext,
  knowledge: Knowledge,
  extras: RenderExtras = {},
): string {
  const content = contentFor(knowledge, ctx.language);
  const replies: Replies = content.replies;
  const t = (k: string, values: Readonly<Record<string, string>> = {}) => {
    const template = replies[k];
    return template === undefined ? k : fill(template, values);
  };
  const variant = (k: string, name: string | false, values: Readonly<Record<string, string>> = {}) =>
    name && replies[`${k}.${name}`] !== undefined ? t(`${k}.${name}`, values) : t(k, values);
  /** A collection problem in words: the parser's key and facts, the country named in this language. */
  const problemText = (problem: ConversationContext['inputProblem']): string | null => {
    if (problem === null || typeof problem === 'string') return problem;
    const country = problem.country
      ? countryName(problem.country, ctx.language ?? knowledge.defaultLanguage)
      : null;
    const facts: Record<string, string> = {
      ...(problem.length ? { length: t(`problem.length.${problem.length}`) } : {}),
      ...(country ? { country } : {}),
    };
    return variant(`problem.${problem.key}`, country !== null && 'country', facts);
  };
  const inputProblem = problemText(ctx.inputProblem);
  const category = content.categories[ctx.category ?? 'other'];
  const steps = category.steps;
  const angry = ctx.sentiment.label === 'angry' || ctx.sentiment.score <= -0.5;
  const confused = !angry && ctx.sentiment.label === 'confused';
  const mood = angry ? 'angry' : confused ? 'confused' : false;
  const sorry = angry ? t('part.sorry') : '';
  const priority = (p: Priority) => t(`priority.${p}`);
  // "within 15 minutes", "within 1 hour", "within 1 business day" (thresholds as responsePromise's).
  const responseTime = (p: Priority) => {
    const seconds = knowledge.responseSeconds[p];
    const [unit, n] =
      seconds < 3600
        ? ['minute', Math.max(1, Math.round(seconds / 60))]
        : seconds < 86400
          ? ['hour', Math.round(seconds / 3600)]
          : ['day', Math.round(seconds / 86400)];
    return t(`response_time.${unit}${n === 1 ? '' : 's'}`, { n: String(n) });
  };
  switch (key) {
    case 'greeting.welcome':
      // The shop's own greeting (knowledge file `greeting:`) in the default language; else the template.
      return knowledge.greeting && (ctx.language ?? knowledge.defaultLanguage) === knowledge.defaultLanguage
        ? knowledge.greeting
        : t(key);
    case 'troubleshooting.step': {
      const step = steps[Math.min(ctx.stepIndex, steps.length - 1)] ?? '';
      return t(key, {
        sorry,
        lead:
          ctx.stepIndex === 0
            ? t('part.step_lead_first', { category: category.label.toLowerCase() })
            : t('part.step_lead_next'),
        number: String(ctx.stepIndex + 1),
        total: String(steps.length),
        step,
        plain: confused ? t('part.step_plain') : '',
        human: angry ? t('part.step_human') : '',
      });
    }
    case 'resolved.goodbye':
      return variant(key, ctx.closedReason === 'inactivity' && 'inactivity');
    case 'escalation_options.offer': {
      // After a failed live-chat handoff only the callback and the ticket are on offer (handoff.failed said why).
      if (ctx.instantChatUnavailable) return t(`${key}.no_instant_chat`);
      const why =
        ctx.triggers.includes('attempts_exhausted') ||
        ctx.triggers.includes('no_steps_left') ||
        ctx.triggers.includes('tried_everything')
          ? t('part.offer_why')
          : '';
      // Angry: the apology and when a person will answer come first, before any choice is asked of them.
      const apology = angry
        ? t('part.offer_apology', {
            priority: priority(ctx.priority),
            responseTime: responseTime(ctx.priority),
          })
        : '';
      return variant(key, confused && 'confused', { apology, why });
    }
    case 'escalated.assigned':
      return t(key, { agentName: extras.agentName ?? t('part.an_agent') });
    case 'callback.after_phone':
      return inputProblem
        ? t(`${key}.problem`, { problem: inputProblem })
        : t(key, { phone: ctx.visitor.phone ? formatPhone(ctx.visitor.phone) : t('part.you') });
    case 'callback.invalid_window':
    case 'ticket.invalid_description':
      return t(key, { problem: inputProblem ?? t('part.not_understood') });
    case 'callback.scheduled':
      return t(key, {
        phone: ctx.visitor.phone ? formatPhone(ctx.visitor.phone) : t('part.you'),
        window: ctx.visitor.callbackWindow ? `(${ctx.visitor.callbackWindow})` : t('part.soon'),
      });
    case 'ticket.ask_description':
      return t(key, { email: ctx.visitor.email ?? t('part.you') });
    case 'ticket.after_email':
      return variant(key, Boolean(inputProblem) && 'problem', { problem: inputProblem ?? '' });
    case 'ticket.solved':
      return extras.ticketNumber ? t(`${key}.numbered`, { ticketNumber: extras.ticketNumber }) : t(key);
    case 'ticket.created': {
      const when = t('part.ticket_when', {
        responseTime: responseTime(ctx.priority),
        priority: priority(ctx.priority),
      });
      const email = ctx.visitor.email ?? t('part.you');
      return extras.ticketNumber
        ? t(`${key}.numbered`, { ticketNumber: extras.ticketNumber, email, when })
        : t(key, { email, when });
    }
    default:
      // Mood variants where the content has them ("troubleshooting.did_it_work.angry"), else the plain one.
      return variant(key, mood, { sorry });
  }
}
