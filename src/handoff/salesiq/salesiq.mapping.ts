// Our packet ⇄ a SalesIQ visitor conversation. The `question` is the first message the SalesIQ agent
// reads, so it carries the summary, the facts and the transcript, ending with a reference line that lets a
// retry recognise a conversation an earlier, unanswered attempt already created.
import { describePacket, type HandoffPacket } from '../packet.ts';

export interface SalesIqConversationRequest {
  visitor: { user_id: string; name: string; email?: string; phone?: string };
  app_id: string;
  department_id: string;
  question: string;
  customer_info: Record<string, string>;
}

/** SalesIQ shows the question as a chat message; keep it readable (the full transcript stays with us). */
export const MAX_QUESTION_CHARS = 6000;

export function referenceLine(packet: HandoffPacket): string {
  return `Reference: ${packet.handoffKey}`;
}

export function toSalesIqConversation(
  packet: HandoffPacket,
  ids: { appId: string; departmentId: string },
): SalesIqConversationRequest {
  const reference = referenceLine(packet);
  let question = describePacket(packet);
  if (question.length > MAX_QUESTION_CHARS) {
    // Keep the head (summary and facts) and the reference line; the transcript's tail is cut.
    question = `${question.slice(0, MAX_QUESTION_CHARS - reference.length - 2)}…\n${reference}`;
  }
  const v = packet.visitor;
  return {
    visitor: {
      // One SalesIQ visitor per chat session: SalesIQ groups a visitor's conversations by user_id.
      user_id: packet.sessionId,
      name: v.name ?? 'Website visitor',
      ...(v.email ? { email: v.email } : {}),
      ...(v.phone ? { phone: v.phone } : {}),
    },
    app_id: ids.appId,
    department_id: ids.departmentId,
    question,
    customer_info: {
      Subject: packet.subject,
      Category: packet.categoryLabel,
      Priority: packet.priority,
      Sentiment: `${packet.sentiment.label} (${packet.sentiment.score.toFixed(2)})`,
      'Journey stage': packet.journeyStage,
      'Switchboard session': packet.sessionId,
    },
  };
}
