// What each step of a conversation leaves in customer memory: a handover becomes a qualified lead (+25
// lead score), a support-request activity (and one for the callback or ticket) and the conversation's
// handover fields; a resolution and a rating become activities. Idempotent on the step's key.
import {
  addLeadScore,
  contactOfConversationRow,
  type Tx,
  withContactsLocked,
} from '../storage/contact-links.repository.ts';
import { insertActivity, insertLead, markHandoverRequested } from '../storage/contact-memory.repository.ts';
import type { Db } from '../storage/database.ts';
import type { ContactStep } from './contact.effect.ts';
import { LEAD_SCORE_PER_HANDOVER } from './contact.linker.ts';

export interface StepContext {
  /** The step's idempotency key. */
  key: string;
  sessionId: string;
  channel: string;
  at: Date;
  /** The visitor's message that triggered a handover, when the trace has it. */
  trigger: string | null;
}

type Step<K extends ContactStep['kind']> = Extract<ContactStep, { kind: K }>;

interface Activity {
  /** Also the activity's part of the idempotency key: one activity of a type per step. */
  type: string;
  title: string;
  description: string | null;
  metadata: Record<string, unknown>;
}

/** Where a step is recorded: in the linking transaction, for the conversation's contact (if any). */
interface StepRecord {
  tx: Tx;
  ctx: StepContext;
  contactId: string | null;
}

const OPTION_LABEL = { instant_chat: 'live chat', callback: 'callback', ticket: 'ticket' } as const;

const RESOLVED_BY = {
  bot: 'Resolved by the bot',
  desk: 'Resolved on the desk',
  operator: 'Resolved by an agent',
};

async function addActivity({ tx, ctx, contactId }: StepRecord, activity: Activity) {
  await insertActivity(tx, {
    ...activity,
    contactId,
    conversationId: ctx.sessionId,
    idempotencyKey: `${ctx.key}:${activity.type}`,
    createdAt: ctx.at,
  });
}

/** The support request, and the callback or ticket it asked for (a live chat has no second activity). */
function handoverActivities(step: Step<'handover'>, ctx: StepContext): Activity[] {
  const metadata = {
    option: step.option,
    priority: step.priority,
    channel: ctx.channel,
    reason: step.reason,
    category: step.category,
    ...(step.ticketNumber ? { ticketNumber: step.ticketNumber } : {}),
  };
  const request: Activity = {
    type: 'support_request',
    title: `Handover requested: ${OPTION_LABEL[step.option]}`,
    description: ctx.trigger ?? step.reason,
    metadata,
  };
  if (step.option === 'instant_chat') return [request];
  const title =
    step.option === 'ticket'
      ? `Ticket ${step.ticketNumber ?? ''} created`.replace('  ', ' ')
      : 'Callback requested';
  return [request, { type: step.option, title, description: step.reason, metadata }];
}

async function recordHandover(record: StepRecord, step: Step<'handover'>) {
  const { tx, ctx, contactId } = record;
  const isNew = await insertLead(tx, {
    contactId,
    conversationId: ctx.sessionId,
    status: 'qualified',
    handoverRequested: true,
    handoverTrigger: ctx.trigger ?? step.reason,
    handoverTimestamp: ctx.at,
    priority: step.priority,
    source: ctx.channel,
    handoverOption: step.option,
    idempotencyKey: ctx.key,
    createdAt: ctx.at,
  });
  if (isNew && contactId) await addLeadScore(tx, contactId, LEAD_SCORE_PER_HANDOVER);
  for (const activity of handoverActivities(step, ctx)) await addActivity(record, activity);
  await markHandoverRequested(tx, {
    sessionId: ctx.sessionId,
    contactId,
    channel: ctx.channel,
    reason: step.reason,
    at: ctx.at,
  });
}

const resolutionActivity = (step: Step<'resolution'>): Activity => ({
  type: 'resolution',
  title: RESOLVED_BY[step.by],
  description: step.notes,
  metadata: {
    by: step.by,
    agentId: step.agentId,
    resolutionCategory: step.resolutionCategory,
    category: step.category,
  },
});

const satisfactionActivity = (step: Step<'satisfaction'>): Activity => ({
  type: 'satisfaction',
  title: `Rated ${step.rating}/5`,
  description: null,
  metadata: { rating: step.rating, agentId: step.agentId },
});

export async function recordStep(db: Db, step: ContactStep, ctx: StepContext): Promise<void> {
  await withContactsLocked(db, async (tx) => {
    // Under the linking lock: a link adopting this conversation's leads never misses one written now.
    const contact = await contactOfConversationRow(tx, ctx.sessionId);
    const record: StepRecord = { tx, ctx, contactId: contact && !contact.erasedAt ? contact.id : null };
    switch (step.kind) {
      case 'handover':
        return recordHandover(record, step);
      case 'resolution':
        return addActivity(record, resolutionActivity(step));
      case 'satisfaction':
        return addActivity(record, satisfactionActivity(step));
    }
  });
}
