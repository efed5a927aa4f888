// Reads a Server-Sent Events stream with fetch(), so the bearer token goes in the Authorization header
// (EventSource cannot set headers, and a token in the URL ends up in logs). Reconnects with backoff and
// sends Last-Event-ID, like EventSource does, so the server can replay what was missed.

export interface StreamEvent {
  event: string;
  data: string;
  id: string | null;
}

export interface EventStreamOptions {
  url: string;
  headers: () => Record<string, string>;
  /** The id to resume from on the first connection (later ones use the last id received). */
  lastEventId?: string | null;
  onEvent: (event: StreamEvent) => void;
  onStatus?: (connected: boolean) => void;
  /** 401/403/404: the stream cannot work (token gone, session gone); no more reconnects. */
  onFatal?: (status: number) => void;
}

export function openEventStream(options: EventStreamOptions): { close(): void } {
  let lastId = options.lastEventId ?? null;
  let retryMs = 2000;
  let failures = 0;
  let closed = false;
  let controller: AbortController | null = null;

  function dispatch(block: string[]) {
    let event = 'message';
    const data: string[] = [];
    let id: string | null = null;
    for (const line of block) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id' && !value.includes('\0')) id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Number(value);
    }
    if (id !== null) lastId = id;
    if (data.length > 0) options.onEvent({ event, data: data.join('\n'), id });
  }

  async function connectOnce(): Promise<void> {
    controller = new AbortController();
    const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers() };
    if (lastId !== null) headers['last-event-id'] = lastId;
    const res = await fetch(options.url, { headers, signal: controller.signal, cache: 'no-store' });
    if (res.status === 401 || res.status === 403 || res.status === 404) {
      closed = true;
      options.onFatal?.(res.status);
      return;
    }
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
    options.onStatus?.(true);
    failures = 0;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let block: string[] = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') {
          if (block.length) dispatch(block);
          block = [];
        } else block.push(line);
      }
    }
  }

  void (async () => {
    while (!closed) {
      try {
        await connectOnce();
      } catch {
        // network error or server gone: fall through to the reconnect below
      }
      if (closed) break;
      options.onStatus?.(false);
      failures++;
      const delay = Math.min(15_000, retryMs * 2 ** Math.min(failures - 1, 3)) * (0.75 + Math.random() / 2);
      await new Promise((r) => setTimeout(r, delay));
    }
  })();

  return {
    close() {
      closed = true;
      controller?.abort();
    },
  };
}
