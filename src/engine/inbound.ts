// What can happen to a session, already parsed and authenticated at the edge, and what the engine answers.
// Expected outcomes are values; the HTTP edge maps each to one status code in one place.
import type { TurnResponse } from './turn.types.ts';

export type OperatorRole = 'agent' | 'admin';

export type OperatorCommand =
  | { action: 'assign'; agentId: string }
  | { action: 'message'; text: string }
  | { action: 'resolve'; notes: string; resolutionCategory: string }
  | { action: 'handback' }
  | { action: 'escalate'; reason: string };

export type Inbound =
  | { kind: 'visitor'; token: string; clientMessageId: string; text: string }
  | { kind: 'visitor'; token: string; clientMessageId: string; button: string }
  | {
      kind: 'operator';
      operatorId: string;
      role: OperatorRole;
      clientMessageId?: string;
      command: OperatorCommand;
    }
  | {
      kind: 'timer';
      timer: 'inactivity' | 'sla_reminder';
      timerId: string;
      /** Fire only if the session is still at this version (no turn since the timer was armed). */
      onlyAtVersion?: number;
    }
  | { kind: 'handoff'; result: 'failed'; target: string; reason: string; handoffKey: string };

export type HandleResult =
  | { outcome: 'ok'; response: TurnResponse }
  | { outcome: 'duplicate'; response: TurnResponse }
  | { outcome: 'not_found' }
  | { outcome: 'unauthorized' }
  | { outcome: 'forbidden'; message: string }
  | { outcome: 'button_not_offered'; buttonId: string; offered: string[] }
  | { outcome: 'not_accepted'; state: string; message: string }
  | { outcome: 'busy' };
