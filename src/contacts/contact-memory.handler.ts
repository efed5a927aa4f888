// Runs the recordContact effect: links the conversation to its contact (from what the visitor told us and
// the channel's id of them), then records each step — a handover as a qualified lead (+25 lead score) and
// activities, a resolution, a rating. Idempotent on the effect's key: a redelivery adds nothing.
import { z } from 'zod';
import type { EffectHandler } from '../engine/effect.worker.ts';
import type { TraceEntry } from '../engine/turn.types.ts';
import { type ChannelSessionOfConversation, channelSessionOf } from '../storage/contact-memory.repository.ts';
import type { Db } from '../storage/database.ts';
import { recordContactParams } from './contact.effect.ts';
import type { ContactLinker } from './contact.linker.ts';
import type { ContactIdentity } from './contact.types.ts';
import { recordStep } from './contact-memory.steps.ts';
import { handoverTrigger } from './handover.trigger.ts';

export interface RecordContactDeps {
  db: Db;
  linker: ContactLinker;
  /** The session's trace (read-your-writes), for the message that triggered a handover. */
  trace: (sessionId: string) => Promise<TraceEntry[]>;
}

const params = recordContactParams.extend({ at: z.string() });

/** The channel's own id of the person, as an identity: a WhatsApp number, a SalesIQ visitor. */
function channelIdentity(row: ChannelSessionOfConversation | null) {
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

export function createRecordContactHandler(deps: RecordContactDeps): EffectHandler {
  return async (effect) => {
    const p = params.parse(effect.params);
    const row = await channelSessionOf(deps.db, effect.sessionId);
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
      await recordStep(deps.db, step, {
        key: `${effect.idempotencyKey}:${index}`,
        sessionId: effect.sessionId,
        channel,
        at: new Date(p.at),
        trigger,
      });
    return { outcome: 'done' };
  };
}
