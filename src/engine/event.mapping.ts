// Turns a Detection into the one machine event it stands for, and falls back to plain text when the
// current state does not accept that event. This is also why no layer (LLM included) can force a
// transition the state does not offer.
import type { Detection, Intent } from '../detection/detection.types.ts';
import type { ButtonSet } from '../machines/conversation.buttons.ts';
import type { ConversationEvent, Signals, VisitorEvent } from '../machines/conversation.events.ts';
import { COLLECTING_TAG } from '../machines/conversation.machine.ts';
import type { ConversationSnapshot } from './snapshot.codec.ts';

export function signalsFrom(detection: Detection): Signals {
  return {
    sentiment: detection.sentiment,
    priority: detection.priority,
    category: detection.category,
    journeyStage: detection.journeyStage,
    triggers: detection.triggers,
    ...(detection.language ? { language: detection.language } : {}),
  };
}

function intentEvent(
  intent: Intent,
  detection: Detection,
  at: string,
  signals: Signals,
): VisitorEvent | null {
  switch (intent) {
    case 'escalation_request':
      return {
        type: 'VISITOR.ESCALATION_REQUEST',
        at,
        signals,
        reason:
          detection.reasons.find((r) => r.startsWith(detection.layer ?? '')) ?? 'visitor asked for a human',
      };
    case 'issue':
      return detection.category ? { type: 'VISITOR.ISSUE', at, signals, category: detection.category } : null;
    case 'greeting':
      return { type: 'VISITOR.GREETING', at, signals };
    case 'solution_worked':
      return { type: 'VISITOR.SOLUTION_WORKED', at, signals };
    case 'solution_failed':
      return { type: 'VISITOR.SOLUTION_FAILED', at, signals };
    case 'acknowledged':
      return { type: 'VISITOR.ACKNOWLEDGED', at, signals };
    case 'affirm':
      return { type: 'VISITOR.AFFIRM', at, signals };
    case 'deny':
      return { type: 'VISITOR.DENY', at, signals };
    case 'frustrated':
      return { type: 'VISITOR.FRUSTRATED', at, signals };
    default:
      return null;
  }
}

/** The machine event for a visitor message, given what detection decided and what the state accepts. */
export function visitorEvent(
  snapshot: ConversationSnapshot,
  detection: Detection,
  text: string,
  offered: ButtonSet,
  at: string,
): ConversationEvent {
  const signals = signalsFrom(detection);
  const plain: ConversationEvent = { type: 'VISITOR.TEXT', at, signals, text };
  if (detection.buttonId) {
    const button = offered.buttons.find((b) => b.id === detection.buttonId);
    if (button) {
      const event = { ...button.action, at, signals } as ConversationEvent;
      if (snapshot.can(event)) return event;
    }
  }
  // In a collection state the visitor's words are the data being collected (a phone number, a description).
  if (snapshot.hasTag(COLLECTING_TAG)) return plain;
  let candidate = intentEvent(detection.intent, detection, at, signals);
  // "my payment still fails" in issue_gathering describes an issue even when phrased as a failure.
  if (
    (!candidate || !snapshot.can(candidate)) &&
    detection.category &&
    detection.intent !== 'escalation_request'
  ) {
    candidate = { type: 'VISITOR.ISSUE', at, signals, category: detection.category };
  }
  return candidate && snapshot.can(candidate) ? candidate : plain;
}

/** Intents whose events the current state accepts: what the LLM may choose from. */
export function acceptedIntents(snapshot: ConversationSnapshot, at: string): Intent[] {
  const signals: Signals = {};
  const probes: Array<[Intent, ConversationEvent]> = [
    ['escalation_request', { type: 'VISITOR.ESCALATION_REQUEST', at, signals, reason: '' }],
    ['issue', { type: 'VISITOR.ISSUE', at, signals, category: 'other' }],
    ['greeting', { type: 'VISITOR.GREETING', at, signals }],
    ['solution_worked', { type: 'VISITOR.SOLUTION_WORKED', at, signals }],
    ['solution_failed', { type: 'VISITOR.SOLUTION_FAILED', at, signals }],
    ['acknowledged', { type: 'VISITOR.ACKNOWLEDGED', at, signals }],
    ['affirm', { type: 'VISITOR.AFFIRM', at, signals }],
    ['deny', { type: 'VISITOR.DENY', at, signals }],
    ['frustrated', { type: 'VISITOR.FRUSTRATED', at, signals }],
  ];
  return probes.filter(([, e]) => snapshot.can(e)).map(([i]) => i);
}
