// A transcript message as a `messages` row in the JSON that json_to_recordset unpacks (column names).
import type { ChatMessage } from '../engine/turn.types.ts';

export function messageRow(m: ChatMessage) {
  return {
    seq: m.seq,
    role: m.role,
    text: m.text,
    buttons: m.buttons ?? null,
    agent_id: m.agentId ?? null,
    created_at: m.at,
  };
}
