// Slack Events API payloads → desk events. `url_verification` is answered with its challenge; an
// `event_callback` whose event is a human's message in a thread (thread_ts ≠ ts, no bot_id, no subtype)
// is an agent's reply to the case that thread belongs to (external id "<channel>:<thread_ts>", as the
// escalation notice recorded it). Retries (X-Slack-Retry-Num) repeat the event_id: the inbox drops them.
import { z } from 'zod';
import type { WebhookParse } from '../desk/desk-webhook.route.ts';

const urlVerification = z.object({ type: z.literal('url_verification'), challenge: z.string().min(1) });
const callback = z.object({
  type: z.literal('event_callback'),
  event_id: z.string().min(1),
  event: z
    .object({
      type: z.string(),
      subtype: z.string().optional(),
      channel: z.string().optional(),
      user: z.string().optional(),
      bot_id: z.string().optional(),
      text: z.string().optional(),
      ts: z.string().optional(),
      thread_ts: z.string().optional(),
      user_profile: z
        .object({ real_name: z.string().optional(), display_name: z.string().optional() })
        .passthrough()
        .optional(),
    })
    .passthrough(),
});

/** Slack escapes &, < and > in message text; the visitor reads plain text. */
export function slackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function slackThreadId(channel: string, threadTs: string): string {
  return `${channel}:${threadTs}`;
}

export function parseSlackEvent(json: unknown): WebhookParse {
  const verification = urlVerification.safeParse(json);
  if (verification.success)
    return { kind: 'reply', status: 200, body: { challenge: verification.data.challenge } };
  const c = callback.safeParse(json);
  if (!c.success) {
    const type = z.object({ type: z.string() }).safeParse(json);
    return type.success
      ? { kind: 'ignored', reason: `${type.data.type} is not used` }
      : { kind: 'invalid', message: 'expected a Slack Events API body (url_verification or event_callback)' };
  }
  const e = c.data.event;
  if (e.type !== 'message') return { kind: 'ignored', reason: `${e.type} events are not used` };
  // Our own bot's posts (the notice, mirrored visitor messages) and edits/joins are not agent replies.
  if (e.bot_id || e.subtype) return { kind: 'ignored', reason: 'a bot message or a message change' };
  if (!e.thread_ts || !e.ts || e.thread_ts === e.ts || !e.channel || !e.user)
    return { kind: 'ignored', reason: 'not a reply in a thread' };
  if (!e.text?.trim()) return { kind: 'ignored', reason: 'empty message' };
  const name = e.user_profile?.display_name || e.user_profile?.real_name || e.user;
  return {
    kind: 'events',
    events: [
      {
        desk: 'slack',
        kind: 'agent_replied',
        eventId: c.data.event_id,
        externalId: slackThreadId(e.channel, e.thread_ts),
        agent: { id: `slack:${e.user}`, name },
        text: slackText(e.text),
      },
    ],
  };
}
