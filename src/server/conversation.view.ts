// The conversation as an operator sees it: transcript, the bot's findings, where the handoff went, and
// what this operator may do. Summary and keywords follow the handoff packet's rules (packet.ts), so the
// console and every desk read the same thing; the `allowed` flags come from the engine's policy.

import type { ChannelReach } from '../channels/channel.reach.ts';
import { allowedActions, factsOf } from '../engine/conversation.policy.ts';
import type { Engine } from '../engine/engine.ts';
import type { ChatMessage } from '../engine/turn.types.ts';
import { detectedKeywords, summaryLines, summaryText } from '../handoff/packet.ts';
import { formatPhone } from '../machines/visitor-info.parse.ts';
import { type SatisfactionRepository, satisfactionItemOf } from '../storage/satisfaction.repository.ts';
import type { SessionStore } from '../storage/session.store.ts';
import type { Operator, OperatorDirectory } from './auth.operators.ts';
import { readAccessOf } from './conversation.access.ts';
import { type EscalationQueue, liveChatElsewhere } from './operator.queue.ts';

export interface ConversationViewDeps {
  engine: Pick<Engine, 'view'>;
  store: Pick<SessionStore, 'trace'>;
  directory: Pick<OperatorDirectory, 'get'>;
  queue: Pick<EscalationQueue, 'ofConversation' | 'deliveries'>;
  ratings: Pick<SatisfactionRepository, 'ofSession'>;
  now: () => Date;
  /** The visitor's channel and whether a delivery to them failed (src/channels/channel.reach.ts). */
  reach?: (sessionId: string, messages: ChatMessage[]) => Promise<ChannelReach>;
}

const KEYWORDS_SHOWN = 20;

export function createConversationView(deps: ConversationViewDeps) {
  /** The view for `me`, with messages after `afterSeq` only when given, if `me` may read it (the read policy). */
  async function conversationView(id: string, me: Pick<Operator, 'id' | 'role'>, afterSeq?: number) {
    const view = await deps.engine.view(id, null);
    if (view.outcome !== 'ok') return { outcome: 'not_found' as const };
    const ctx = view.snapshot.context;
    const access = readAccessOf(
      { operatorId: me.id, role: me.role },
      { state: view.state, assignedAgentId: ctx.assignedAgentId },
    );
    if (access.outcome !== 'ok') return access;
    const [escalationRows, deliveries, traces, assigned, reach, ratings] = await Promise.all([
      deps.queue.ofConversation(id),
      deps.queue.deliveries(id),
      deps.store.trace(id),
      ctx.assignedAgentId ? deps.directory.get(ctx.assignedAgentId) : Promise.resolve(null),
      deps.reach?.(id, view.messages) ?? Promise.resolve(null),
      deps.ratings.ofSession(id),
    ]);
    const latest = escalationRows[0] ?? null;
    const handledIn = liveChatElsewhere(latest);
    // The current segment's escalation carries the packet it sent; before any handoff, the same rules
    // applied to the conversation so far.
    const current = latest && latest.segment === ctx.segment ? latest : null;
    const at = deps.now().toISOString();
    const keywords = current?.keywords.length ? current.keywords : detectedKeywords(traces, at);
    const visitor = Object.fromEntries(
      Object.entries(ctx.visitor)
        .filter((e): e is [string, string] => typeof e[1] === 'string')
        .map(([k, v]) => [k, k === 'phone' ? formatPhone(v) : v]),
    );
    const conversation = {
      conversationId: id,
      state: view.state,
      owner: view.owner,
      botEnabled: view.owner === 'bot',
      seq: view.session.version,
      assignedAgent: ctx.assignedAgentId
        ? { id: ctx.assignedAgentId, displayName: assigned?.displayName ?? null }
        : null,
      messages: afterSeq === undefined ? view.messages : view.messages.filter((m) => m.seq > afterSeq),
      findings: {
        statePath: [...ctx.history],
        sentiment: ctx.sentiment,
        category: ctx.category,
        priority: ctx.priority,
        journeyStage: ctx.journeyStage,
        triggers: ctx.triggers,
        escalationReason: ctx.escalationReason,
        summary: current?.summary || summaryText({ summary: summaryLines(view.messages, at) }),
        keywords: keywords.slice(0, KEYWORDS_SHOWN),
        visitor,
        segment: ctx.segment,
        messageCount: ctx.totalMessageCount,
      },
      escalation: latest,
      ...(ctx.browser ? { visitor: { ...ctx.browser } } : {}),
      source: reach?.source ?? { type: 'web', externalId: null, phone: null },
      unreachable: reach?.unreachable ?? null,
      deliveries,
      handledIn,
      allowed: allowedActions({ operatorId: me.id, role: me.role }, factsOf(view.snapshot, handledIn, at)),
      satisfaction: ratings.map(satisfactionItemOf),
    };
    return { outcome: 'ok' as const, conversation };
  }
  return { conversationView };
}

export type ConversationView = ReturnType<typeof createConversationView>;
