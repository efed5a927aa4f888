// The effect handlers of the handoff: they run from the committed outbox through the effect worker, which
// retries them with backoff. Every handler is idempotent on its effect: the escalation row, the frozen
// packet and one integration row per target record what is done, so a retry (or a re-run after a crash)
// only does what is still missing, and a vendor in doubt is asked before anything is created again.
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Knowledge } from '../content/knowledge.ts';
import type { EffectHandler, EffectOutcome } from '../engine/effect.worker.ts';
import type { Engine } from '../engine/engine.ts';
import { OPERATORS_CHANNEL, type Realtime } from '../engine/realtime.port.ts';
import type { TraceEntry } from '../engine/turn.types.ts';
import { deskTicketStatusSchema, ESCALATION_OPTIONS } from '../machines/conversation.events.ts';
import type { ClaimedEffect } from '../storage/effect.log.ts';
import type { SessionStore } from '../storage/session.store.ts';
import { crmPersonOf, resolutionNote } from './crm.notes.ts';
import { type CrmPort, deliverCrmNote, findCrmNote } from './crm.port.ts';
import type { DeskForwarder } from './desk/desk-forward.ts';
import type { EscalationRecord, HandoffRecords } from './handoff.records.ts';
import { type FindResult, type HandoffTarget, TARGET_NAMES, type TargetName } from './handoff.target.ts';
import { buildPacket, type HandoffPacket } from './packet.ts';
import { type Routing, type Step, stepsFor } from './routing.ts';
import type { SalesIqClient } from './salesiq/salesiq.client.ts';
import { slaReminderText } from './slack/slack.mapping.ts';
import type { DeliveryResult } from './vendor.http.ts';

export interface HandoffHandlerDeps {
  engine: Pick<Engine, 'view' | 'handle'>;
  store: Pick<SessionStore, 'trace'>;
  records: HandoffRecords;
  routing: Routing;
  targets: Partial<Record<TargetName, HandoffTarget>>;
  /** For visitor messages into a SalesIQ conversation (forwardToOperator). */
  salesiq?: SalesIqClient;
  /** For visitor messages onto the Zendesk / Freshdesk ticket and into the Slack thread of the case. */
  desks?: DeskForwarder;
  /** The external CRM that hears of resolutions (handovers reach it as a routed target). */
  crm?: CrmPort;
  knowledge: Knowledge;
  realtime: Realtime;
  logger: Logger;
  allocateTicketNumber: () => Promise<string>;
  /** How long to wait before looking again for an escalation another effect has not written yet. */
  notYetMs?: number;
  /**
   * After an unanswered request (timeout, dropped connection, 5xx), how long to wait before the next attempt
   * looks for what it may have created. The vendor may still be working on the abandoned request: looking
   * too soon finds nothing and creates a second chat or ticket.
   */
  inDoubtDelayMs?: number;
  /** Where a session's visitor writes from (the channel registry); absent: every session is a web one. */
  sourceOf?: (sessionId: string) => Promise<HandoffPacket['source']>;
}

const createHandoffParams = z.object({
  channel: z.enum(ESCALATION_OPTIONS),
  state: z.string(),
  at: z.string(),
  ticketNumber: z.string().optional(),
});
const updateEscalationParams = z.object({
  status: z.enum(['assigned', 'resolved', 'handed_back', 'failed']),
  at: z.string(),
});
const atParams = z.object({ at: z.string(), reason: z.string().optional(), state: z.string().optional() });

/** Effects, as the engine derives them from a turn's actions (`say` is rendered, xstate.* is internal). */
function effectActions(trace: TraceEntry) {
  return trace.actions.filter((a) => a.type !== 'say' && !a.type.startsWith('xstate.'));
}

/**
 * The idempotency key of the live-chat handoff an operator event at `seq` belongs to: the latest turn at or
 * before it that created an instant-chat handoff. (Operator effects carry no escalation id: the machine is pure.)
 */
export function escalationKeyAt(traces: TraceEntry[], sessionId: string, seq: number): string | null {
  const ordered = traces.filter((t) => t.seq <= seq).sort((a, b) => b.seq - a.seq);
  for (const trace of ordered) {
    const effects = effectActions(trace);
    const index = effects.findIndex(
      (a) =>
        a.type === 'createHandoff' &&
        (a.params as { channel?: unknown } | undefined)?.channel === 'instant_chat',
    );
    if (index >= 0) return `${sessionId}:${trace.seq}:${index}`;
  }
  return null;
}

type StepResult = DeliveryResult;

export function createHandoffHandlers(deps: HandoffHandlerDeps) {
  const { records, routing, logger } = deps;
  const notYetMs = deps.notYetMs ?? 250;
  const inDoubtDelayMs = deps.inDoubtDelayMs ?? 20_000;
  /** The worker's retry for a failed step: Retry-After when given, and the settle time when in doubt. */
  function retryOf(
    target: string,
    result: Extract<StepResult, { outcome: 'retry' }>,
  ): Extract<EffectOutcome, { outcome: 'retry' }> {
    const after = Math.max(result.retryAfterMs ?? 0, result.inDoubt ? inDoubtDelayMs : 0);
    return {
      outcome: 'retry',
      error: `${target}: ${result.error}`,
      ...(after > 0 ? { retryAfterMs: after } : {}),
    };
  }

  async function packetFor(effect: ClaimedEffect, params: z.infer<typeof createHandoffParams>) {
    const existing = await records.findEscalation(effect.idempotencyKey);
    if (existing) return existing;
    const view = await deps.engine.view(effect.sessionId, null);
    if (view.outcome !== 'ok') return null;
    if (view.session.version > effect.seq) {
      // Messages are cut at the handoff's time, but the context (sentiment, priority…) is today's.
      logger.warn(
        { key: effect.idempotencyKey, seq: effect.seq, version: view.session.version },
        'handoff packet built after later turns: its context may include them',
      );
    }
    // The engine allocates the number before it renders the reply; this is only for effects without one.
    const ticketNumber =
      params.channel === 'ticket' ? (params.ticketNumber ?? (await deps.allocateTicketNumber())) : null;
    const packet = buildPacket({
      handoffKey: effect.idempotencyKey,
      sessionId: effect.sessionId,
      channel: params.channel,
      ticketNumber,
      at: params.at,
      state: params.state,
      context: view.snapshot.context,
      messages: view.messages,
      knowledge: deps.knowledge,
      traces: await deps.store.trace(effect.sessionId),
      source: await deps.sourceOf?.(effect.sessionId),
    });
    const escalation = await records.ensureEscalation(packet);
    // The console's queue is these rows: tell it one just appeared (the turn itself was published earlier).
    await deps.realtime
      .publish(OPERATORS_CHANNEL, {
        sessionId: effect.sessionId,
        seq: effect.seq,
        kind: 'queue',
        payload: { reason: 'escalation_recorded', channel: packet.channel, priority: packet.priority },
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'queue notice not published'));
    return escalation;
  }

  /** One external delivery, done at most once: skip when recorded, look first when in doubt. */
  async function deliverOnce(
    key: string,
    name: TargetName,
    escalation: { id: string; conversationId: string },
    attempt: { deliver(): Promise<DeliveryResult>; find?: () => Promise<FindResult> },
  ): Promise<StepResult> {
    const previous = await records.integration(key, name);
    if (previous?.status === 'delivered' && previous.externalId) {
      return {
        outcome: 'delivered',
        externalId: previous.externalId,
        ...(previous.externalUrl ? { externalUrl: previous.externalUrl } : {}),
      };
    }
    if (previous?.status === 'failed')
      return { outcome: 'failed', error: previous.lastError ?? 'failed earlier' };
    await records.beginAttempt(key, name, escalation);
    if (previous?.inDoubt && attempt.find) {
      const found = await attempt.find();
      if (found.outcome === 'delivered') {
        logger.info(
          { key, target: name, externalId: found.externalId },
          'found the handoff an unanswered attempt created',
        );
        await records.recordOutcome(key, name, found);
        return found;
      }
      if (found.outcome === 'retry') {
        const result: StepResult = { ...found, inDoubt: true };
        await records.recordOutcome(key, name, result);
        return result;
      }
      if (found.outcome === 'failed') {
        // The lookup itself is refused (a missing read scope, say): a second chat or ticket is better
        // than none, so create. The log says why a duplicate may appear.
        logger.warn(
          { key, target: name, error: found.error },
          'could not look for an earlier attempt; creating',
        );
      }
    }
    const result = await attempt.deliver();
    await records.recordOutcome(key, name, result);
    return result;
  }

  async function runStep(step: Step, escalation: EscalationRecord): Promise<StepResult> {
    const packet = escalation.packet;
    const key = packet.handoffKey;
    const ref = { id: escalation.id, conversationId: packet.sessionId };
    switch (step.target) {
      case 'console':
        // The console's queue is the escalations row itself (status queued).
        await records.recordLocal(key, 'console', ref, escalation.id);
        return { outcome: 'delivered', externalId: escalation.id };
      case 'callback': {
        await records.scheduleCallback(packet, escalation.id);
        await records.recordLocal(key, 'callback', ref, escalation.id, {
          phone: packet.visitor.phone ?? null,
          window: packet.visitor.callbackWindow ?? null,
        });
        return { outcome: 'delivered', externalId: escalation.id };
      }
      case 'salesiq':
        if (packet.source?.type === 'salesiq') {
          // The Zobot answered SalesIQ with a forward: the chat is with a SalesIQ operator already.
          const chatId = packet.source.externalId ?? packet.sessionId;
          await records.recordLocal(key, 'salesiq', ref, chatId, { forwardedBy: 'zobot' });
          return { outcome: 'delivered', externalId: chatId };
        }
        return runTarget(step, packet, ref);
      case 'ticket': {
        const { ticketNumber } = await records.ensureSupportTicket(packet);
        await records.recordLocal(key, 'ticket', ref, ticketNumber);
        return { outcome: 'delivered', externalId: ticketNumber };
      }
      default:
        return runTarget(step, packet, ref);
    }
  }

  function runTarget(step: Step, packet: HandoffPacket, ref: { id: string; conversationId: string }) {
    const target = deps.targets[step.target];
    if (!target)
      return Promise.resolve<StepResult>({
        outcome: 'failed',
        error: `target ${step.target} is routed to but not configured`,
      });
    const find = target.find;
    return deliverOnce(packet.handoffKey, target.name, ref, {
      deliver: () => target.deliver(packet),
      ...(find ? { find: () => find.call(target, packet) } : {}),
    });
  }

  const createHandoff: EffectHandler = async (effect) => {
    const params = createHandoffParams.parse(effect.params);
    const escalation = await packetFor(effect, params);
    if (!escalation) return { outcome: 'failed', error: `session ${effect.sessionId} not found` };
    const steps = stepsFor(routing, escalation.packet);
    let retry: Extract<EffectOutcome, { outcome: 'retry' }> | null = null;
    for (const step of steps) {
      const result = await runStep(step, escalation);
      if (result.outcome === 'retry') {
        const next = retryOf(step.target, result);
        const after = Math.max(retry?.retryAfterMs ?? 0, next.retryAfterMs ?? 0);
        retry = { ...next, ...(after > 0 ? { retryAfterMs: after } : {}) };
        // The team hears about a case only once its main delivery exists.
        if (step.critical) break;
      } else if (result.outcome === 'failed') {
        if (step.critical) return { outcome: 'failed', error: `${step.target}: ${result.error}` };
        logger.error(
          { key: effect.idempotencyKey, target: step.target, error: result.error },
          'handoff side delivery failed for good',
        );
      }
    }
    if (retry) return retry;
    logger.info(
      { key: effect.idempotencyKey, channel: params.channel, targets: steps.map((s) => s.target) },
      'handoff delivered',
    );
    return { outcome: 'done' };
  };

  /** Finds the escalation an operator-side effect belongs to; null + outcome when it cannot (yet). */
  async function escalationOf(
    effect: ClaimedEffect,
  ): Promise<{ key: string; trace: TraceEntry | undefined } | EffectOutcome> {
    const traces = await deps.store.trace(effect.sessionId);
    const key = escalationKeyAt(traces, effect.sessionId, effect.seq);
    if (!key) {
      logger.warn({ effect: effect.idempotencyKey, type: effect.type }, 'no live-chat handoff to update');
      return { outcome: 'done' };
    }
    if (!(await records.findEscalation(key))) {
      // The createHandoff effect has not written its row yet (effects of different turns run in parallel).
      return { outcome: 'retry', error: `escalation ${key} not recorded yet`, retryAfterMs: notYetMs };
    }
    return { key, trace: traces.find((t) => t.seq === effect.seq) };
  }

  const updateEscalation: EffectHandler = async (effect) => {
    const params = updateEscalationParams.parse(effect.params);
    const found = await escalationOf(effect);
    if ('outcome' in found) return found;
    const event = z
      .object({
        agentId: z.string().optional(),
        notes: z.string().optional(),
        resolutionCategory: z.string().optional(),
      })
      .passthrough()
      .safeParse(found.trace?.event ?? {});
    const details = event.success ? event.data : {};
    const changed = await records.updateEscalationStatus(found.key, params.status, {
      at: new Date(params.at),
      ...(details.agentId ? { agentId: details.agentId } : {}),
      ...(details.notes !== undefined ? { notes: details.notes } : {}),
      ...(details.resolutionCategory !== undefined ? { resolutionCategory: details.resolutionCategory } : {}),
    });
    if (!changed)
      logger.debug(
        { key: found.key, status: params.status },
        'escalation status change skipped (already further)',
      );
    // The console's queue is these rows: say it moved once the row has, not only when the turn was published
    // (a console that re-read the queue on the turn alone could still see the chat it had just resolved).
    if (changed)
      await deps.realtime
        .publish(OPERATORS_CHANNEL, {
          sessionId: effect.sessionId,
          seq: effect.seq,
          kind: 'queue',
          payload: { reason: 'escalation_updated', status: params.status },
        })
        .catch((error: unknown) => logger.warn({ err: error }, 'queue notice not published'));
    if (changed && deps.desks) {
      const who = details.agentId?.startsWith('slack:') ? `<@${details.agentId.slice(6)}>` : 'an agent';
      const line = {
        assigned: `✅ Taken by ${who}.`,
        resolved: `✔️ Resolved by ${who}.`,
        handed_back: '↩️ Handed back to the bot.',
        failed: '⚠️ The live chat could not be delivered; the visitor was offered a callback or a ticket.',
      }[params.status];
      await deps.desks.noteInThread(effect.idempotencyKey, found.key, effect.sessionId, line);
    }
    // After the desk line, which only the first run posts (`changed`): a CRM retry re-runs this effect.
    if (params.status === 'resolved') {
      const noted = await noteResolution(effect, found.key, {
        at: params.at,
        ...(details.agentId ? { agentId: details.agentId } : {}),
        ...(details.notes ? { notes: details.notes } : {}),
        ...(details.resolutionCategory ? { resolutionCategory: details.resolutionCategory } : {}),
      });
      if (noted) return noted;
    }
    return { outcome: 'done' };
  };

  /**
   * The resolution's note on the visitor's CRM contact, once per resolving effect (its own integration row).
   * Returns the retry when the CRM asks for one; a permanent refusal is recorded there and logged.
   */
  async function noteResolution(
    effect: ClaimedEffect,
    handoffKey: string,
    resolution: { at: string; agentId?: string; notes?: string; resolutionCategory?: string },
  ): Promise<EffectOutcome | null> {
    const crm = deps.crm;
    if (!crm) return null;
    const escalation = await records.findEscalation(handoffKey);
    const person = escalation && crmPersonOf(escalation.packet);
    if (!escalation || !person) return null;
    const note = resolutionNote(escalation.packet, { key: effect.idempotencyKey, ...resolution });
    const result = await deliverOnce(
      effect.idempotencyKey,
      crm.name,
      { id: escalation.id, conversationId: effect.sessionId },
      { deliver: () => deliverCrmNote(crm, person, note), find: () => findCrmNote(crm, person, note) },
    );
    if (result.outcome === 'retry') return retryOf(crm.name, result);
    if (result.outcome === 'failed')
      logger.error(
        { key: effect.idempotencyKey, target: crm.name, error: result.error },
        'resolution not noted in the CRM',
      );
    return null;
  }

  const deliverOperatorMessage: EffectHandler = async (effect) => {
    const { at } = atParams.parse(effect.params);
    const found = await escalationOf(effect);
    if ('outcome' in found) return found;
    await records.setFirstResponse(found.key, new Date(at));
    return { outcome: 'done' };
  };

  const notifyOperators: EffectHandler = async (effect) => {
    const params = atParams.parse(effect.params);
    // The console subscribes to this channel; the turn itself is published there too, this says "queue changed".
    await deps.realtime.publish(OPERATORS_CHANNEL, {
      sessionId: effect.sessionId,
      seq: effect.seq,
      kind: 'queue',
      payload: { reason: params.reason ?? 'new_escalation', state: params.state ?? null, at: params.at },
    });
    return { outcome: 'done' };
  };

  /** The visitor's words of the turn that emitted the effect. */
  async function visitorTextAt(effect: ClaimedEffect, at: string): Promise<string> {
    const view = await deps.engine.view(effect.sessionId, null);
    if (view.outcome !== 'ok') return '';
    return view.messages
      .filter((m) => m.role === 'visitor' && m.at === at)
      .map((m) => m.text)
      .join('\n');
  }

  /** Mirrors the visitor's message to the desks holding the case (ticket comment, Slack thread). */
  const forwardToDesk: EffectHandler = async (effect) => {
    const { at } = atParams.parse(effect.params);
    if (!deps.desks) return { outcome: 'done' };
    const text = await visitorTextAt(effect, at);
    if (!text) return { outcome: 'done' };
    return deps.desks.forward(effect.idempotencyKey, effect.sessionId, text);
  };

  const forwardToOperator: EffectHandler = async (effect) => {
    const mirrored = await forwardToDesk(effect);
    const forwarded = await forwardToSalesIq(effect);
    return mirrored.outcome === 'retry' ? mirrored : forwarded;
  };

  const forwardToSalesIq: EffectHandler = async (effect) => {
    const { at } = atParams.parse(effect.params);
    if (routing.instantChat !== 'salesiq' || !deps.salesiq) return { outcome: 'done' };
    const found = await escalationOf(effect);
    if ('outcome' in found) return found;
    // A Zobot chat: SalesIQ has the visitor's messages itself (after the forward it no longer asks the bot).
    if ((await records.findEscalation(found.key))?.packet.source?.type === 'salesiq')
      return { outcome: 'done' };
    const chat = await records.integration(found.key, 'salesiq');
    // Routed to the console (the routing changed since): the console reads the transcript itself.
    if (!chat && (await records.integration(found.key, 'console'))) return { outcome: 'done' };
    if (!chat || chat.status === 'pending') {
      // The SalesIQ conversation does not exist yet: keep the message until it does (order is kept by time).
      return {
        outcome: 'retry',
        error: 'SalesIQ conversation not created yet',
        retryAfterMs: Math.max(notYetMs, 1000),
      };
    }
    if (chat.status === 'failed' || !chat.externalId) return { outcome: 'done' };
    const text = await visitorTextAt(effect, at);
    if (!text) return { outcome: 'done' };
    const client = deps.salesiq;
    const conversationId = chat.externalId;
    const escalation = await records.findEscalation(found.key);
    if (!escalation) return { outcome: 'done' };
    // Recorded under this effect's own key: a re-run does not post the same message twice.
    const result = await deliverOnce(
      effect.idempotencyKey,
      'salesiq',
      { id: escalation.id, conversationId: effect.sessionId },
      {
        async deliver() {
          const sent = await client.sendVisitorMessage(conversationId, text);
          return sent.ok ? { outcome: 'delivered', externalId: conversationId } : sent.result;
        },
      },
    );
    if (result.outcome === 'retry') return retryOf('salesiq', result);
    if (result.outcome === 'failed')
      logger.error(
        { key: effect.idempotencyKey, error: result.error },
        'visitor message not forwarded to SalesIQ',
      );
    return { outcome: 'done' };
  };

  /**
   * The worker gave up on an effect (failed for good, or retries exhausted). For a live chat whose main
   * delivery never happened, the visitor is told and offered a callback or a ticket instead.
   */
  async function onGaveUp(effect: ClaimedEffect, error: string): Promise<void> {
    if (effect.type !== 'createHandoff') return;
    const params = createHandoffParams.safeParse(effect.params);
    if (!params.success) return;
    await records.failUndelivered(effect.idempotencyKey, error);
    if (params.data.channel !== 'instant_chat') {
      logger.error(
        { key: effect.idempotencyKey, channel: params.data.channel, error },
        'handoff delivery gave up',
      );
      return;
    }
    const primary = routing.instantChat;
    const delivered = await records.integration(effect.idempotencyKey, primary);
    if (delivered?.status === 'delivered') return;
    const result = await deps.engine.handle(effect.sessionId, {
      kind: 'handoff',
      result: 'failed',
      target: primary,
      reason: error.slice(0, 500),
      handoffKey: effect.idempotencyKey,
    });
    logger.warn(
      { key: effect.idempotencyKey, target: primary, error, outcome: result.outcome },
      'live chat handoff failed for good; the visitor was offered a callback or a ticket',
    );
  }

  /** A desk changed the ticket's status: our support_tickets row follows (by the desk's ticket id). */
  const updateTicketStatus: EffectHandler = async (effect) => {
    const trace = (await deps.store.trace(effect.sessionId)).find((t) => t.seq === effect.seq);
    const inbound = trace?.inbound;
    const status = deskTicketStatusSchema.safeParse(inbound?.kind === 'desk' ? inbound.status : undefined);
    if (inbound?.kind !== 'desk' || !status.success)
      return { outcome: 'failed', error: `turn ${effect.seq} has no desk ticket status` };
    const desk = z.enum(TARGET_NAMES).safeParse(inbound.desk);
    if (!desk.success) return { outcome: 'failed', error: `unknown desk ${inbound.desk}` };
    const found = await records.byExternalId(desk.data, inbound.externalId);
    if (!found) return { outcome: 'failed', error: `no handoff for ${inbound.desk} ${inbound.externalId}` };
    const { at } = atParams.parse(effect.params);
    await records.setTicketStatus(found.handoffKey, status.data, new Date(at));
    return { outcome: 'done' };
  };

  /** A visitor has waited in the queue past the SLA: the console hears it, and Slack when configured. */
  const remindOperators: EffectHandler = async (effect) => {
    const params = atParams.parse(effect.params);
    await deps.realtime.publish(OPERATORS_CHANNEL, {
      sessionId: effect.sessionId,
      seq: effect.seq,
      kind: 'queue',
      payload: { reason: 'sla_reminder', state: params.state ?? null, at: params.at },
    });
    const channel = routing.slack?.channel;
    if (!deps.desks || !channel) return { outcome: 'done' };
    const found = await escalationOf(effect);
    if ('outcome' in found) return found;
    const escalation = await records.findEscalation(found.key);
    if (!escalation) return { outcome: 'done' };
    return deps.desks.remind(
      effect.idempotencyKey,
      effect.sessionId,
      channel,
      slaReminderText(escalation.packet, params.at),
    );
  };

  const handlers: Record<string, EffectHandler> = {
    createHandoff,
    updateEscalation,
    deliverOperatorMessage,
    notifyOperators,
    forwardToOperator,
    updateTicketStatus,
    remindOperators,
    forwardToDesk,
  };
  return { handlers, onGaveUp };
}
