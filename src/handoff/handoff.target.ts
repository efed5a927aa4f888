// The one contract every external handoff target implements (and the shared contract test exercises):
// deliver a packet, and, after an attempt whose outcome is unknown, find what that attempt created.
import type { HandoffPacket } from './packet.ts';
import type { DeliveryResult } from './vendor.http.ts';

export const TARGET_NAMES = [
  'console',
  'salesiq',
  'zendesk',
  'freshdesk',
  'slack',
  'ticket',
  'callback',
  'hubspot',
] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** How operators and visitors read a target's name (the console shows the deliveries with these). */
export const TARGET_LABELS: Record<TargetName, string> = {
  console: 'This console',
  salesiq: 'SalesIQ',
  zendesk: 'Zendesk',
  freshdesk: 'Freshdesk',
  slack: 'Slack',
  ticket: 'Ticket',
  callback: 'Callback',
  hubspot: 'HubSpot',
};

export const targetLabel = (target: string): string =>
  TARGET_LABELS[target as TargetName] ?? target.replace(/_/g, ' ');

export type FindResult =
  | Extract<DeliveryResult, { outcome: 'delivered' | 'retry' | 'failed' }>
  | { outcome: 'absent' };

export interface HandoffTarget {
  readonly name: TargetName;
  deliver(packet: HandoffPacket): Promise<DeliveryResult>;
  /**
   * Looks for what an earlier attempt may have created (it timed out, or the process died mid-call).
   * Targets without a way to look (Slack) leave it out: their in-doubt retries may repeat a notice.
   */
  find?(packet: HandoffPacket): Promise<FindResult>;
}
