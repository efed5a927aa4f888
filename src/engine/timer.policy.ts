// Which durable timers a committed turn arms or cancels. Pure: asks the machine (`snapshot.can`) whether
// the new state accepts the timer event, so the rule follows the machine instead of a list of states.

import type { TimerChange } from '../storage/timer.store.ts';
import type { ConversationSnapshot } from './snapshot.codec.ts';
import type { TraceEntry } from './turn.types.ts';

export interface TimerSettings {
  /** Bot-owned sessions idle this long get TIMER.INACTIVITY (0 = never). */
  inactivityMs: number;
  /** Visitors waiting in the queue this long get TIMER.SLA_REMINDER, repeated every period (0 = never). */
  slaReminderMs: number;
}

export function timerChanges(
  turn: { trace: TraceEntry; snapshot: ConversationSnapshot },
  settings: TimerSettings,
): TimerChange[] {
  const { trace, snapshot } = turn;
  const at = Date.parse(trace.at);
  const moved = trace.from !== trace.to;
  const changes: TimerChange[] = [];
  if (settings.inactivityMs > 0) {
    // Every turn in a state that can time out pushes the deadline; leaving for one that cannot clears it.
    if (snapshot.can({ type: 'TIMER.INACTIVITY', at: trace.at }))
      changes.push({ op: 'arm', kind: 'inactivity', dueAt: new Date(at + settings.inactivityMs) });
    else if (moved) changes.push({ op: 'cancel', kind: 'inactivity' });
  }
  if (settings.slaReminderMs > 0) {
    if (snapshot.can({ type: 'TIMER.SLA_REMINDER', at: trace.at })) {
      // The wait is measured from entering the queue: visitor messages while waiting do not reset it.
      const reminded = trace.inbound.kind === 'timer' && trace.inbound.timer === 'sla_reminder';
      if (moved || reminded)
        changes.push({ op: 'arm', kind: 'sla_reminder', dueAt: new Date(at + settings.slaReminderMs) });
    } else if (moved) changes.push({ op: 'cancel', kind: 'sla_reminder' });
  }
  return changes;
}
