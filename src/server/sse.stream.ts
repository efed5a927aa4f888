// A Server-Sent Events response: the headers that stop proxies from buffering, `event`/`id`/`data` frames,
// a heartbeat comment so idle connections are not cut, and the client's Last-Event-ID.
import type { Request, Response } from 'express';

export interface EventStream {
  send(event: string, data: unknown, id?: string | number): void;
  /** Runs once when the client goes away (or the stream is closed). */
  onClose(handler: () => void): void;
  close(): void;
  readonly closed: boolean;
}

/** The id the client last saw: the `Last-Event-ID` header (set by EventSource and our fetch reader on
 * reconnect) or, for a first connection that already knows where it stands, `?lastEventId=`. */
export function lastEventId(req: Request): string | null {
  const header = req.get('last-event-id');
  if (header) return header;
  const query = req.query.lastEventId;
  return typeof query === 'string' && query !== '' ? query : null;
}

export function openEventStream(
  req: Request,
  res: Response,
  options: { heartbeatMs?: number; retryMs?: number } = {},
): EventStream {
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  req.socket.setNoDelay(true);
  req.socket.setTimeout(0);
  res.write(`retry: ${options.retryMs ?? 2000}\n\n`);

  let closed = false;
  const handlers: Array<() => void> = [];
  const heartbeat = setInterval(() => {
    if (!closed) res.write(': ping\n\n');
  }, options.heartbeatMs ?? 15_000);
  heartbeat.unref();

  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const h of handlers.splice(0)) {
      try {
        h();
      } catch {}
    }
  };
  res.on('close', finish);

  return {
    send(event, data, id) {
      if (closed) return;
      // JSON never contains a raw newline, so one `data:` line carries the whole payload.
      const idLine = id === undefined ? '' : `id: ${String(id).replace(/[\r\n]/g, '')}\n`;
      res.write(`event: ${event}\n${idLine}data: ${JSON.stringify(data)}\n\n`);
    },
    onClose(handler) {
      if (closed) handler();
      else handlers.push(handler);
    },
    close() {
      finish();
      res.end();
    },
    get closed() {
      return closed;
    },
  };
}
