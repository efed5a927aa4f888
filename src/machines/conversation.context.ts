import type { Category, JourneyStage, Priority, Sentiment } from '../detection/detection.types.ts';
import type { InputProblem } from './visitor-info.parse.ts';

export interface VisitorInfo {
  name?: string;
  email?: string;
  phone?: string;
  callbackWindow?: string;
  description?: string;
}

/** What the visitor's browser reported when the chat started (the web widget): for the operator only. */
export interface VisitorBrowser {
  pageUrl?: string;
  referrer?: string;
  userAgent?: string;
  timeZone?: string;
  locale?: string;
}

export interface StateVisit {
  state: string;
  at: string;
}

export interface ConversationContext {
  /** A bot segment restarts after a resolution; counters below are per segment unless named total. */
  segment: number;
  totalMessageCount: number;
  messageCount: number;
  troubleshootingAttempts: number;
  stepIndex: number;
  escalationAttempts: number;
  category: Category | null;
  visitor: VisitorInfo;
  sentiment: Sentiment;
  priority: Priority;
  journeyStage: JourneyStage;
  /** Why escalation was offered or taken (explicit_request, attempts_exhausted, frustration, …). */
  triggers: string[];
  escalationReason: string | null;
  instantChatUnavailable: boolean;
  assignedAgentId: string | null;
  /**
   * Last validation problem in a collection state, so the reply can say what was wrong, in the visitor's
   * language. A string in snapshots from before the problems were keys: English text, shown as it is.
   */
  inputProblem: InputProblem | string | null;
  closedReason: string | null;
  /**
   * Satisfaction survey of this segment: offered after a human resolved it, then a comment is welcome once
   * rated. Absent in snapshots from before the survey (read as null).
   */
  satisfaction?: 'offered' | 'comment' | null;
  history: StateVisit[];
  /** The visitor's language (a content language); absent means the default, English. */
  language?: string;
  /** Absent when the channel reports nothing of the kind (every channel but the web widget). */
  browser?: VisitorBrowser;
}

export interface ConversationInput {
  at: string;
  visitor?: VisitorInfo;
  /** The language the visitor's widget is shown in, when it is a content language other than the default. */
  language?: string;
  browser?: VisitorBrowser;
}

export interface MachineOptions {
  /** Failed troubleshooting attempts after which the visitor is offered a human. */
  maxFailedAttempts: number;
  /** How many troubleshooting steps the knowledge file has per category. */
  stepCounts: Record<Category, number>;
  /** Entries kept in the state history. */
  historyLimit: number;
}
