// What the widget says about the chat itself, from the store's context: the header's status line, the
// queue banner, the agent's badge. Pure functions of the context and the translator.
import type { Say } from './widget.messages.ts';
import type { WidgetContext } from './widget.store.ts';

/** "Alice Agent" → "AA": the agent's badge beside their name. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return words
    .slice(0, 2)
    .map((w) => [...w][0]?.toUpperCase() ?? '')
    .join('');
}

/** The display name of the operator who wrote last, if any has written yet. */
export function currentAgent(ctx: WidgetContext): string | null {
  return ctx.messages.findLast((m) => m.role === 'operator' && m.author)?.author ?? null;
}

export function statusText(say: Say, ctx: WidgetContext): string {
  if (ctx.offline) return say('status.offline');
  if (ctx.owner === 'human' && ctx.state === 'escalated.queued') return say('status.waiting');
  if (ctx.owner === 'human')
    return say('status.chatting', { name: currentAgent(ctx) ?? ctx.agentName ?? say('status.an_agent') });
  return ctx.connected ? say('status.online') : say('status.bot');
}

/** "You're number 2 in the queue · about 3 minutes". */
export function waitingText(say: Say, ctx: WidgetContext): string | null {
  if (ctx.state !== 'escalated.queued') return null;
  if (!ctx.queue) return say('queue.waiting');
  const place =
    ctx.queue.position <= 1 ? say('queue.next') : say('queue.number', { position: ctx.queue.position });
  const wait = ctx.queue.estimatedWaitSeconds;
  if (wait === null) return say('queue.place', { place });
  const n = Math.max(1, Math.round(wait / 60));
  return say('queue.place_wait', {
    place,
    minutes: n === 1 ? say('time.minute') : say('time.minutes', { n }),
  });
}
