// Who may do what to a conversation: the one place the rules live. The engine refuses with them for every
// entry point (REST routes, Slack's "Take case", specs), and the console's `allowed` flags are computed by
// the same function, so a button the console shows is a command the engine accepts. The few rules that stop
// only people at the console (`consoleRefusal`) live here too.
import { targetLabel } from '../handoff/handoff.target.ts';
import { hasEnded } from '../machines/conversation.ended.ts';
import type { OperatorCommand, OperatorRole } from './inbound.ts';
import { operatorEvent } from './operator.event.ts';
import { type ConversationSnapshot, statePath } from './snapshot.codec.ts';

export type Refusal =
  | { allowed: false; outcome: 'not_accepted'; state: string; message: string }
  | { allowed: false; outcome: 'forbidden'; message: string }
  | { allowed: false; outcome: 'handled_elsewhere'; target: string; message: string };

/** `takes`: the command also takes the conversation (a reply to a chat nobody holds yet). */
export type Permission = { allowed: true; takes: boolean } | Refusal;

export interface OperatorActor {
  operatorId: string;
  role: OperatorRole;
}

export interface ConversationFacts {
  state: string;
  assignedAgentId: string | null;
  /** The external live chat (SalesIQ) holding the conversation's open live chat, or null. */
  heldBy: string | null;
  /** Whether the machine accepts this command from this operator in the current state. */
  accepts(command: OperatorCommand, operatorId: string): boolean;
}

export function factsOf(
  snapshot: ConversationSnapshot,
  heldBy: string | null,
  at: string,
): ConversationFacts {
  return {
    state: statePath(snapshot),
    assignedAgentId: snapshot.context.assignedAgentId,
    heldBy,
    accepts: (command, operatorId) => snapshot.can(operatorEvent(command, operatorId, at)),
  };
}

/** Why the machine refuses, in words that say what to do instead (tickets and callbacks live elsewhere). */
function notAcceptedMessage(command: OperatorCommand, state: string): string {
  if (command.action !== 'escalate') {
    if (state.startsWith('ticket_'))
      return 'this conversation became a ticket: answer it on the ticket (or escalate it to a live chat)';
    if (state.startsWith('callback_'))
      return 'this conversation is a callback request: call the visitor back (or escalate it to a live chat)';
  }
  switch (command.action) {
    case 'assign':
      return 'only an escalated conversation that is not closed can be assigned';
    case 'transfer':
      return 'only a live chat an agent holds can be transferred';
    case 'message':
      return 'agents can only write to escalated conversations (queued or assigned), never to one the bot owns';
    case 'resolve':
      return 'this conversation is not escalated or was already resolved';
    case 'handback':
      return 'only an escalated conversation that is not closed can be handed back to the bot';
    case 'escalate':
      return 'this conversation is already escalated';
  }
}

const ALLOWED: Permission = { allowed: true, takes: false };
type Forbidden = Extract<Refusal, { outcome: 'forbidden' }>;
const forbidden = (message: string): Forbidden => ({ allowed: false, outcome: 'forbidden', message });

/**
 * May this operator run this command on a conversation with these facts? Checked in this order: the
 * machine's state, an external live chat holding it, then role and ownership.
 *
 * A reply to a live chat nobody has taken takes it (the machine assigns the replying operator): it is
 * checked as the take it implies, and `takes` makes that explicit in the trace. We chose this over refusing
 * the reply because answering a waiting visitor is how operators take a chat in every live-chat console, and
 * a refusal would only add a click; what mattered was that it is neither a way around the take's rules nor
 * invisible.
 */
export function operatorMay(
  actor: OperatorActor,
  command: OperatorCommand,
  facts: ConversationFacts,
): Permission {
  if (!facts.accepts(command, actor.operatorId))
    return {
      allowed: false,
      outcome: 'not_accepted',
      state: facts.state,
      message: notAcceptedMessage(command, facts.state),
    };
  if (command.action === 'escalate') return ALLOWED;
  const admin = actor.role === 'admin';
  const assigned = facts.assignedAgentId;
  // The visitor would have two humans at once. An admin may still close it or give it back to the bot: the
  // way out when the SalesIQ side is gone and nothing else would ever end the chat.
  if (facts.heldBy && !(admin && (command.action === 'resolve' || command.action === 'handback')))
    return {
      allowed: false,
      outcome: 'handled_elsewhere',
      target: facts.heldBy,
      message: `This live chat was handed to ${targetLabel(facts.heldBy)}; answer the visitor there.`,
    };
  const takes = command.action === 'message' && !assigned;
  if (command.action === 'transfer') return transferMay(actor, command.agentId, facts);
  if (admin) return takes ? { allowed: true, takes } : ALLOWED;
  if (assigned && assigned !== actor.operatorId)
    return forbidden(
      `this conversation is assigned to another agent (${assigned}); only they or an admin can ${command.action} it`,
    );
  if (command.action === 'assign' && command.agentId !== actor.operatorId)
    return forbidden('agents can only assign conversations to themselves; admins can assign to anyone');
  if (!assigned && (command.action === 'resolve' || command.action === 'handback'))
    return forbidden(
      `nobody has taken this conversation yet; take it first (assign it to yourself), then ${command.action} it. Only admins can ${command.action} a conversation they do not hold`,
    );
  return takes ? { allowed: true, takes } : ALLOWED;
}

/** A transfer: only of a chat someone holds, by the holder or an admin, and to somebody else. */
function transferMay(actor: OperatorActor, to: string, facts: ConversationFacts): Permission {
  const holder = facts.assignedAgentId;
  if (facts.state !== 'escalated.assigned' || !holder)
    return {
      allowed: false,
      outcome: 'not_accepted',
      state: facts.state,
      message: 'nobody holds this conversation yet: assign it instead of transferring it',
    };
  if (actor.role !== 'admin' && holder !== actor.operatorId)
    return forbidden('only the agent who holds this conversation or an admin can transfer it');
  if (to === holder)
    return {
      allowed: false,
      outcome: 'not_accepted',
      state: facts.state,
      message: 'this conversation is already with that agent: pick someone else',
    };
  return ALLOWED;
}

/**
 * The console's extra rules, on top of what the machine accepts (it keeps these transitions: the QA specs
 * and the coverage test take them; only people at the console and the REST API are stopped):
 * - escalating (or switching the bot off) an ended conversation would put a visitor who is gone back in the
 *   live queue, as a new segment with its priority and category reset;
 * - an agent resolving a waiting chat nobody took or answered would close it unseen (admins may, warned).
 * A sentence for the operator, or null.
 */
export function consoleRefusal(
  action: 'escalate' | 'resolve',
  facts: Pick<ConversationFacts, 'state' | 'assignedAgentId'>,
  actor: OperatorActor,
): string | null {
  if (action === 'escalate' && hasEnded(facts.state))
    return 'This conversation has ended (resolved, ticket or callback): if the visitor writes again, the bot answers and can hand them over.';
  if (
    action === 'resolve' &&
    facts.state === 'escalated.queued' &&
    actor.role !== 'admin' &&
    facts.assignedAgentId !== actor.operatorId
  )
    return 'Take the conversation before resolving it: nobody has answered this visitor yet.';
  return null;
}

/** What decides who may read a conversation: where it stands and who holds it (the snapshot's context). */
export interface ReadFacts {
  state: string;
  assignedAgentId: string | null;
}

export type ReadPermission = { allowed: true } | Forbidden;

/**
 * States in which the bot has handed the visitor to people and nobody holds the conversation: the live-chat
 * queue, and tickets and callbacks (shared work queues any agent may pick up).
 */
const OPEN_TO_EVERY_AGENT: ReadonlySet<string> = new Set([
  'escalated.queued',
  'ticket_created',
  // A ticket a person answered, and one solved and waiting for its rating, are still the team's tickets:
  // the ticket's own rule (workMay) says who works it, every agent may read its conversation.
  'ticket_answered',
  'ticket_solved',
  'callback_scheduled',
]);

/**
 * May this operator read the conversation (its view, trace and diagram, its live events, typing to it)?
 * Admins read everything. An agent reads the queue (a conversation handed to people that nobody holds) and
 * their own (held by them, or closed by them until the visitor starts a new segment); a conversation the
 * bot is having, or a colleague's, is none of their business: a visitor may type anything into a bot chat.
 */
export function operatorMayRead(actor: OperatorActor, facts: ReadFacts): ReadPermission {
  if (actor.role === 'admin') return { allowed: true };
  if (facts.assignedAgentId === actor.operatorId) return { allowed: true };
  if (!facts.assignedAgentId && OPEN_TO_EVERY_AGENT.has(facts.state)) return { allowed: true };
  return forbidden(
    facts.assignedAgentId
      ? 'this conversation is assigned to another agent: only they or an admin can read it'
      : 'this conversation is not in the queue (the bot is handling it, or it ended): agents read only queued conversations and their own; admins read all',
  );
}

/** What the console may offer this operator: each flag is `operatorMay` on a representative command. */
export function allowedActions(actor: OperatorActor, facts: ConversationFacts) {
  const may = (command: OperatorCommand) => operatorMay(actor, command, facts).allowed;
  return {
    take: facts.assignedAgentId !== actor.operatorId && may({ action: 'assign', agentId: actor.operatorId }),
    message: may({ action: 'message', text: 'x' }),
    resolve:
      may({ action: 'resolve', notes: 'x', resolutionCategory: 'solved' }) &&
      !consoleRefusal('resolve', facts, actor),
    handback: may({ action: 'handback' }),
    escalate: may({ action: 'escalate', reason: 'x' }) && !consoleRefusal('escalate', facts, actor),
    // Transfer to anyone else: the target is checked again when the command comes.
    transfer: may({ action: 'transfer', agentId: '', note: 'x' }),
  };
}

// ── tickets and callbacks: the work the console's own tabs hold ──────────────────────────────────────
// The same rule as for conversations, for work that is a row rather than a machine: an agent works what
// they hold or take, an admin anything. The routes refuse with these and the console's `allowed` flags are
// computed by them, so the Take / Reply / Resolve buttons shown are the ones the API accepts.

export type WorkKind = 'ticket' | 'callback';

export interface WorkFacts {
  /** How a person names it: "ticket TKT-2026-0001", "this callback". */
  label: string;
  assignedTo: string | null;
}

/** `assign` with `agentId: null` releases it; `reply` is a ticket's public answer or internal note. */
export type WorkCommand =
  | { action: 'change' }
  | { action: 'assign'; agentId: string | null }
  | { action: 'reply' };

export type WorkPermission =
  | { allowed: true }
  | { allowed: false; code: 'forbidden' | 'not_taken'; message: string };

const WORK_ALLOWED: WorkPermission = { allowed: true };

export function workMay(
  kind: WorkKind,
  actor: OperatorActor,
  command: WorkCommand,
  facts: WorkFacts,
): WorkPermission {
  if (actor.role === 'admin') return WORK_ALLOWED;
  const held = facts.assignedTo;
  if (held && held !== actor.operatorId)
    return {
      allowed: false,
      code: 'forbidden',
      message: `${facts.label} is assigned to another agent; only they or an admin can change it`,
    };
  if (command.action === 'assign' && command.agentId !== null && command.agentId !== actor.operatorId)
    return {
      allowed: false,
      code: 'forbidden',
      message: `agents can only take a ${kind} themselves (assignee "me") or release it (null); admins assign to anyone`,
    };
  // A reply to a ticket nobody holds would let two colleagues answer the requester at once.
  if (command.action === 'reply' && !held)
    return {
      allowed: false,
      code: 'not_taken',
      message: `Take ${facts.label} first (PATCH with {"assignee":"me"}), so a colleague does not answer it too.`,
    };
  return WORK_ALLOWED;
}

/** What the console may offer this operator on a ticket or callback: each flag is `workMay`. */
export function allowedWork(kind: WorkKind, actor: OperatorActor, facts: WorkFacts) {
  const may = (command: WorkCommand) => workMay(kind, actor, command, facts).allowed;
  return {
    take: facts.assignedTo !== actor.operatorId && may({ action: 'assign', agentId: actor.operatorId }),
    release: facts.assignedTo !== null && may({ action: 'assign', agentId: null }),
    change: may({ action: 'change' }),
    reply: kind === 'ticket' && may({ action: 'reply' }),
  };
}
