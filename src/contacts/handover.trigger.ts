// Which visitor message made the bot hand the conversation over: the text of the turn that left the bot's
// own states for the human options (the offer, or straight to a human), at or before the handover turn.
import type { TraceEntry } from '../engine/turn.types.ts';

const HUMAN_SIDE =
  /^(escalation_options|escalated|callback_collection|callback_scheduled|ticket_collection|ticket_created)\b/;

export function handoverTrigger(traces: readonly TraceEntry[], handoverSeq: number): string | null {
  const ordered = traces.filter((t) => t.seq <= handoverSeq).sort((a, b) => b.seq - a.seq);
  for (const trace of ordered) {
    if (!HUMAN_SIDE.test(trace.to) || (trace.from !== null && HUMAN_SIDE.test(trace.from))) continue;
    return trace.inbound.kind === 'visitor' ? (trace.inbound.text ?? null) : null;
  }
  return null;
}
