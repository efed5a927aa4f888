// The visitor's messages after a handoff, out to the desks that hold the case: a public comment on the
// Zendesk ticket, a reply on the Freshdesk ticket, a line in the Slack thread the escalation notice started
// (SalesIQ has its own forwarder). Each post is recorded in desk_outbound under the effect's key first, so
// a re-run effect posts once, and the desk's webhook echoing our post back is recognised and dropped.
import type { Logger } from 'pino';
import type { EffectOutcome } from '../../engine/effect.worker.ts';
import type { FreshdeskClient } from '../freshdesk/freshdesk.client.ts';
import { html } from '../freshdesk/freshdesk.mapping.ts';
import type { TargetName } from '../handoff.target.ts';
import type { SlackClient } from '../slack/slack.client.ts';
import { mrkdwn, toThreadMessage } from '../slack/slack.mapping.ts';
import type { DeliveryResult } from '../vendor.http.ts';
import type { ZendeskClient } from '../zendesk/zendesk.client.ts';
import type { DeskRecords } from './desk.records.ts';

export interface DeskForwarderOptions {
  records: DeskRecords;
  zendesk?: ZendeskClient;
  freshdesk?: FreshdeskClient;
  slack?: SlackClient;
  logger: Logger;
}

type Posted =
  | { ok: true; vendorMessageId: string | null }
  | { ok: false; result: Extract<DeliveryResult, { outcome: 'retry' | 'failed' }> };

export function createDeskForwarder(options: DeskForwarderOptions) {
  const { records, logger } = options;

  async function post(
    desk: TargetName,
    externalId: string,
    metadata: Record<string, unknown>,
    text: string,
  ): Promise<Posted | null> {
    switch (desk) {
      case 'zendesk': {
        if (!options.zendesk) return null;
        const requester = typeof metadata.requesterId === 'number' ? metadata.requesterId : undefined;
        const r = await options.zendesk.addComment(externalId, text, requester);
        return r.ok ? { ok: true, vendorMessageId: r.commentId && `comment:${r.commentId}` } : r;
      }
      case 'freshdesk': {
        if (!options.freshdesk) return null;
        const r = await options.freshdesk.reply(externalId, html(text));
        return r.ok ? { ok: true, vendorMessageId: r.replyId } : r;
      }
      case 'slack': {
        if (!options.slack) return null;
        const [channel, ts] = externalId.split(':');
        if (!channel || !ts) return null;
        const r = await options.slack.postMessage(toThreadMessage(channel, ts, `*Visitor:* ${mrkdwn(text)}`));
        return r.ok ? { ok: true, vendorMessageId: r.ts } : r;
      }
      default:
        return null;
    }
  }

  return {
    /**
     * A line in the Slack thread of a handoff ("taken by …", "resolved"): the thread is the case, so what
     * happens to the case shows there. Keyed like a post, so a re-run effect says it once.
     */
    async noteInThread(
      effectKey: string,
      handoffKey: string,
      conversationId: string,
      text: string,
    ): Promise<void> {
      const slack = options.slack;
      if (!slack) return;
      const thread = (await records.openDesks(conversationId)).find(
        (d) => d.desk === 'slack' && d.handoffKey === handoffKey,
      );
      const [channel, ts] = thread?.externalId.split(':') ?? [];
      if (!thread || !channel || !ts) return;
      const key = `${effectKey}:slack-note`;
      if (
        !(await records.beginPost({
          key,
          desk: 'slack',
          externalId: thread.externalId,
          conversationId,
          text,
        }))
      )
        return;
      const r = await slack.postMessage(toThreadMessage(channel, ts, text));
      if (r.ok) await records.confirmPost(key, r.ts);
      else logger.warn({ key, error: r.result.error }, 'case update not posted to its Slack thread');
    },

    /**
     * An SLA reminder in Slack: a reply in the case's thread, also shown in the channel, when the case has
     * one (urgent cases do), else a message to `channel`. Keyed like a post, so a re-run effect says it once.
     */
    async remind(
      effectKey: string,
      conversationId: string,
      channel: string,
      text: string,
    ): Promise<EffectOutcome> {
      const slack = options.slack;
      if (!slack) return { outcome: 'done' };
      const thread = (await records.openDesks(conversationId)).find((d) => d.desk === 'slack');
      const [threadChannel, ts] = thread?.externalId.split(':') ?? [];
      const key = `${effectKey}:slack-reminder`;
      const target = threadChannel && ts ? `${threadChannel}:${ts}` : channel;
      if (!(await records.beginPost({ key, desk: 'slack', externalId: target, conversationId, text })))
        return { outcome: 'done' };
      const r = await slack.postMessage(
        threadChannel && ts
          ? { ...toThreadMessage(threadChannel, ts, text), reply_broadcast: true }
          : { channel, text, unfurl_links: false },
      );
      if (r.ok) {
        await records.confirmPost(key, r.ts);
        return { outcome: 'done' };
      }
      if (r.result.outcome === 'retry')
        return {
          outcome: 'retry',
          error: `slack: ${r.result.error}`,
          ...(r.result.retryAfterMs !== undefined ? { retryAfterMs: r.result.retryAfterMs } : {}),
        };
      await records.abandonPost(key);
      logger.error({ key, error: r.result.error }, 'SLA reminder not posted to Slack');
      return { outcome: 'done' };
    },

    /** Posts `text` to every desk that holds the conversation's latest handoff; keyed by `effectKey`. */
    async forward(effectKey: string, conversationId: string, text: string): Promise<EffectOutcome> {
      const desks = await records.openDesks(conversationId);
      let retry: Extract<EffectOutcome, { outcome: 'retry' }> | null = null;
      for (const d of desks) {
        const key = `${effectKey}:${d.desk}`;
        if (!(await records.beginPost({ key, desk: d.desk, externalId: d.externalId, conversationId, text })))
          continue;
        const result = await post(d.desk, d.externalId, d.metadata, text);
        if (!result) {
          await records.abandonPost(key);
          continue;
        }
        if (result.ok) {
          await records.confirmPost(key, result.vendorMessageId ?? 'posted');
        } else if (result.result.outcome === 'retry') {
          retry = {
            outcome: 'retry',
            error: `${d.desk}: ${result.result.error}`,
            ...(result.result.retryAfterMs !== undefined ? { retryAfterMs: result.result.retryAfterMs } : {}),
          };
        } else {
          await records.abandonPost(key);
          logger.error(
            { key, desk: d.desk, error: result.result.error },
            'visitor message not posted to the desk',
          );
        }
      }
      return retry ?? { outcome: 'done' };
    },
  };
}

export type DeskForwarder = ReturnType<typeof createDeskForwarder>;
