// While the visitor waits: their place in the queue, sent on their widget stream when it changes. It is
// recomputed when the queue moves (any escalation turn or queue event on the operators' channel,
// debounced), soon after entering the queue (the escalation row is written by the handoff worker just
// after the turn), and every `pollMs` as a safety net.
import type { Logger } from 'pino';
import { OPERATORS_CHANNEL, type Realtime } from '../engine/realtime.port.ts';
import type { EscalationQueue } from './operator.queue.ts';
import { turnPayloadSchema } from './sse.payloads.ts';
import type { EventStream } from './sse.stream.ts';

export const QUEUED = 'escalated.queued';

export interface QueuePlaceWatchOptions {
  sessionId: string;
  stream: EventStream;
  queue: EscalationQueue;
  realtime: Realtime;
  logger: Logger;
  /** The session's state as the stream last saw it. */
  state: () => string;
  pollMs?: number;
}

export interface QueuePlaceWatch {
  /** Call after every turn: starts watching when the session entered the queue, stops when it left. */
  track(): void;
  stop(): void;
}

export function watchQueuePlace(options: QueuePlaceWatchOptions): QueuePlaceWatch {
  const { sessionId, stream, queue, realtime, logger } = options;
  let queueTimer: NodeJS.Timeout | null = null;
  let recomputeTimer: NodeJS.Timeout | null = null;
  let queueSub: (() => Promise<void>) | null = null;
  let lastPlace = '';
  const queued = () => options.state() === QUEUED;

  function stop() {
    if (queueTimer) clearInterval(queueTimer);
    if (recomputeTimer) clearTimeout(recomputeTimer);
    queueTimer = recomputeTimer = null;
    if (queueSub) void queueSub();
    queueSub = null;
  }

  function recomputeSoon(ms: number) {
    if (recomputeTimer || stream.closed) return;
    recomputeTimer = setTimeout(() => {
      recomputeTimer = null;
      void sendQueuePosition();
    }, ms);
    recomputeTimer.unref();
  }

  async function sendQueuePosition() {
    if (!queued() || stream.closed) return;
    try {
      const place = await queue.position(sessionId);
      if (!place) return recomputeSoon(500);
      const key = JSON.stringify(place);
      if (key !== lastPlace && !stream.closed && queued()) {
        lastPlace = key;
        stream.send('queue', place);
      }
    } catch (error) {
      logger.warn({ err: error }, 'queue position failed');
    }
  }

  function track() {
    if (!queued()) return stop();
    if (queueTimer) return;
    lastPlace = '';
    queueTimer = setInterval(() => void sendQueuePosition(), options.pollMs ?? 10_000);
    queueTimer.unref();
    void sendQueuePosition();
    void realtime
      .subscribe(OPERATORS_CHANNEL, (e) => {
        const moved =
          e.kind === 'queue' ||
          (e.kind === 'turn' && turnPayloadSchema.safeParse(e.payload).data?.state.startsWith('escalated'));
        if (moved) recomputeSoon(300);
      })
      .then((leave) => {
        if (queueTimer && !stream.closed && !queueSub) queueSub = leave;
        else void leave();
      });
  }

  return { track, stop };
}
