// Runs the recordContact effect: links the conversation to its contact (from what the visitor told us and
// the channel's id of them), then records each step — a handover as a qualified lead (+25 lead score) and
// activities, a resolution, a rating. Idempotent on the effect's key: a redelivery adds nothing.
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { EffectHandler } from '../engine/effect.worker.ts';
import type { TraceEntry } from '../engine/turn.types.ts';
import type { Db } from '../storage/database.ts';
import { activities, channelSessions, contacts, conversations, leads } from '../storage/schema/index.ts';
import { type ContactStep, recordContactParams } from './contact.effect.ts';
import {
  type ContactLinker,
  LEAD_SCORE_PER_HANDOVER,
  lockContacts,
  survivorOf,
  type Tx,
} from './contact.linker.ts';
import type { ContactIdentity } from './contact.types.ts';
import { handoverTrigger } from './handover.trigger.ts';

export interface RecordContactDeps {
  db: Db;
  linker: ContactLinker;
  /** The session's trace (read-your-writes), for the message that triggered a handover. */
  trace: (sessionId: string) => Promise<TraceEntry[]>;
}

const params = recordContactParams.extend({ at: z.string() });

const OPTION_LABEL = { instant_chat: 'live chat', callback: 'callback', ticket: 'ticket' } as const;

/** The channel's own id of the person, as an identity: a WhatsApp number, a SalesIQ visitor. */
function channelIdentity(row: { channel: string; externalId: string; phone: string | null } | undefined) {
  if (!row) return [];
  const found: ContactIdentity[] = [];
  if (row.channel === 'whatsapp') found.push({ kind: 'whatsapp', value: row.phone ?? row.externalId });
  if (row.channel === 'evolution') {
    const jid = /^(\d{6,15})@s\.whatsapp\.net$/.exec(row.externalId);
    const number = row.phone ?? (jid ? `+${jid[1]}` : null);
    if (number) found.push({ kind: 'whatsapp', value: number });
  }
  if (row.channel === 'salesiq') found.push({ kind: 'salesiq', value: row.externalId });
  return found;
}

interface StepContext {
  key: string;
  sessionId: string;
  channel: string;
  at: Date;
  trigger: string | null;
}

export function createRecordContactHandler(deps: RecordContactDeps): EffectHandler {
  const { db } = deps;

  async function insertActivity(
    tx: Tx,
    ctx: StepContext,
    contactId: string | null,
    suffix: string,
    activity: { type: string; title: string; description: string | null; metadata: Record<string, unknown> },
  ) {
    await tx
      .insert(activities)
      .values({
        ...activity,
        contactId,
        conversationId: ctx.sessionId,
        idempotencyKey: `${ctx.key}:${suffix}`,
        createdAt: ctx.at,
      })
      .onConflictDoNothing();
  }

  async function record(step: ContactStep, ctx: StepContext) {
    await db.transaction(async (tx) => {
      // Under the linking lock: a link adopting this conversation's leads never misses one written now.
      await lockContacts(tx);
      const [conversation] = await tx
        .select()
        .from(conversations)
        .where(eq(conversations.sessionId, ctx.sessionId));
      const contact = conversation?.contactId ? await survivorOf(tx, conversation.contactId) : null;
      const contactId = contact && !contact.erasedAt ? contact.id : null;
      switch (step.kind) {
        case 'handover': {
          const inserted = await tx
            .insert(leads)
            .values({
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
            })
            .onConflictDoNothing()
            .returning({ id: leads.id });
          if (inserted.length > 0 && contactId)
            await tx
              .update(contacts)
              .set({ leadScore: sql`${contacts.leadScore} + ${LEAD_SCORE_PER_HANDOVER}` })
              .where(eq(contacts.id, contactId));
          const metadata = {
            option: step.option,
            priority: step.priority,
            channel: ctx.channel,
            reason: step.reason,
            category: step.category,
            ...(step.ticketNumber ? { ticketNumber: step.ticketNumber } : {}),
          };
          await insertActivity(tx, ctx, contactId, 'support_request', {
            type: 'support_request',
            title: `Handover requested: ${OPTION_LABEL[step.option]}`,
            description: ctx.trigger ?? step.reason,
            metadata,
          });
          if (step.option !== 'instant_chat')
            await insertActivity(tx, ctx, contactId, step.option, {
              type: step.option,
              title:
                step.option === 'ticket'
                  ? `Ticket ${step.ticketNumber ?? ''} created`.replace('  ', ' ')
                  : 'Callback requested',
              description: step.reason,
              metadata,
            });
          await tx
            .insert(conversations)
            .values({
              sessionId: ctx.sessionId,
              contactId,
              channel: ctx.channel,
              handoverRequested: true,
              handoverTimestamp: ctx.at,
              handoverReason: step.reason,
              createdAt: ctx.at,
              updatedAt: ctx.at,
            })
            .onConflictDoUpdate({
              target: conversations.sessionId,
              set: {
                handoverRequested: true,
                handoverTimestamp: ctx.at,
                handoverReason: step.reason,
                updatedAt: ctx.at,
              },
            });
          return;
        }
        case 'resolution':
          await insertActivity(tx, ctx, contactId, 'resolution', {
            type: 'resolution',
            title:
              step.by === 'bot'
                ? 'Resolved by the bot'
                : step.by === 'desk'
                  ? 'Resolved on the desk'
                  : 'Resolved by an agent',
            description: step.notes,
            metadata: {
              by: step.by,
              agentId: step.agentId,
              resolutionCategory: step.resolutionCategory,
              category: step.category,
            },
          });
          return;
        case 'satisfaction':
          await insertActivity(tx, ctx, contactId, 'satisfaction', {
            type: 'satisfaction',
            title: `Rated ${step.rating}/5`,
            description: null,
            metadata: { rating: step.rating, agentId: step.agentId },
          });
          return;
      }
    });
  }

  return async (effect) => {
    const p = params.parse(effect.params);
    const [row] = await db
      .select()
      .from(channelSessions)
      .where(eq(channelSessions.sessionId, effect.sessionId))
      .limit(1);
    const channel = row?.channel ?? p.channel ?? 'web';
    const identities: ContactIdentity[] = [
      ...(p.visitor.email ? [{ kind: 'email' as const, value: p.visitor.email }] : []),
      ...(p.visitor.phone ? [{ kind: 'phone' as const, value: p.visitor.phone }] : []),
      ...channelIdentity(row),
    ];
    await deps.linker.link({
      sessionId: effect.sessionId,
      channel,
      identities,
      name: p.visitor.name ?? row?.profileName ?? null,
      source: channel,
    });
    if (p.steps.length === 0) return { outcome: 'done' };
    const trigger = p.steps.some((s) => s.kind === 'handover')
      ? handoverTrigger(await deps.trace(effect.sessionId), effect.seq)
      : null;
    for (const [index, step] of p.steps.entries())
      await record(step, {
        key: `${effect.idempotencyKey}:${index}`,
        sessionId: effect.sessionId,
        channel,
        at: new Date(p.at),
        trigger,
      });
    return { outcome: 'done' };
  };
}
