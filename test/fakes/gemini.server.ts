// A local fake of the Gemini REST API (`POST /v1beta/models/{model}:generateContent`), speaking its wire
// format: `{candidates:[{content:{parts:[{text}]}}], usageMetadata}` on success and
// `{error:{code,message,status}}` on failure. The real `@google/genai` SDK is pointed at it through its
// base-URL option. Scriptable per test (a queue of replies, then a responder), and it counts calls.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messageFromPrompt } from '../../src/detection/gemini.prompt.ts';
import type { LlmAnswer } from '../../src/detection/gemini.schema.ts';

export type FakeReply =
  /** A well-formed answer: the object is sent as the JSON text of the first part. */
  | { kind: 'answer'; answer: Partial<LlmAnswer> & Record<string, unknown>; delayMs?: number }
  /** Any text as the model's answer (malformed JSON, prose …). */
  | { kind: 'text'; text: string; delayMs?: number }
  /** An API error with Google's error body. */
  | { kind: 'error'; code: number; status?: string; message?: string; delayMs?: number };

export interface FakeRequest {
  model: string;
  apiKey: string | null;
  body: GenerateContentBody;
  systemText: string;
  userText: string;
  /** The visitor message, read back out of our prompt's data block (null if the prompt is not ours). */
  message: string | null;
  recent: unknown[];
}

interface GenerateContentBody {
  contents?: Array<{ role?: string; parts?: Array<{ text?: string }> }>;
  systemInstruction?: { parts?: Array<{ text?: string }> } | string;
  generationConfig?: Record<string, unknown>;
  [key: string]: unknown;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** A complete, valid answer; override what the test cares about. */
export function answer(overrides: Partial<LlmAnswer> = {}): FakeReply {
  return {
    kind: 'answer',
    answer: {
      resolution_confidence: 80,
      escalation_needed: false,
      intent: 'OTHER',
      confidence: 0.8,
      reasoning: 'scripted',
      sentiment: 'neutral',
      sentiment_score: 0,
      category: 'other',
      journey_stage: 'none',
      ...overrides,
    },
  };
}

export const errorReply = (code: number, message = 'scripted failure', delayMs?: number): FakeReply => ({
  kind: 'error',
  code,
  message,
  ...(delayMs !== undefined ? { delayMs } : {}),
});

export interface FakeGemini {
  /** Base URL for `httpOptions.baseUrl` / GEMINI_BASE_URL. */
  url: string;
  requests: FakeRequest[];
  readonly calls: number;
  /** Replies used first, in order, one per call. */
  script(...replies: FakeReply[]): void;
  /** What to answer once the script is used up (default: a neutral OTHER answer). */
  respond(responder: (request: FakeRequest) => FakeReply): void;
  reset(): void;
  close(): Promise<void>;
}

function textOf(parts: Array<{ text?: string }> | undefined): string {
  return (parts ?? []).map((p) => p.text ?? '').join('');
}

export async function startFakeGemini(): Promise<FakeGemini> {
  const requests: FakeRequest[] = [];
  let queue: FakeReply[] = [];
  let responder: (request: FakeRequest) => FakeReply = () => answer();

  function send(res: ServerResponse, status: number, body: unknown) {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const match = /^\/v1beta\/models\/([^/:]+):generateContent$/.exec(url.pathname);
    if (req.method !== 'POST' || !match?.[1]) {
      return send(res, 404, {
        error: { code: 404, message: `no route ${req.method} ${url.pathname}`, status: 'NOT_FOUND' },
      });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: GenerateContentBody;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as GenerateContentBody;
    } catch {
      return send(res, 400, {
        error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' },
      });
    }
    const apiKey = (req.headers['x-goog-api-key'] as string | undefined) ?? url.searchParams.get('key');
    if (!apiKey) {
      return send(res, 403, {
        error: {
          code: 403,
          message: "Method doesn't allow unregistered callers.",
          status: 'PERMISSION_DENIED',
        },
      });
    }
    const userText = textOf(body.contents?.at(-1)?.parts);
    const systemText =
      typeof body.systemInstruction === 'string'
        ? body.systemInstruction
        : textOf(body.systemInstruction?.parts);
    const fromPrompt = messageFromPrompt(userText);
    const request: FakeRequest = {
      model: match[1],
      apiKey,
      body,
      systemText,
      userText,
      message: fromPrompt?.message ?? null,
      recent: fromPrompt?.recent ?? [],
    };
    requests.push(request);
    const reply = queue.shift() ?? responder(request);
    if (reply.delayMs) {
      await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    }
    if (reply.kind === 'error') {
      const status = reply.status ?? STATUS_NAMES[reply.code] ?? 'UNKNOWN';
      return send(res, reply.code, { error: { code: reply.code, message: reply.message ?? status, status } });
    }
    const text = reply.kind === 'text' ? reply.text : JSON.stringify(reply.answer);
    send(res, 200, {
      candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: {
        promptTokenCount: Math.ceil(userText.length / 4),
        candidatesTokenCount: Math.ceil(text.length / 4),
        totalTokenCount: Math.ceil((userText.length + text.length) / 4),
      },
      modelVersion: match[1],
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) =>
      send(res, 500, { error: { code: 500, message: String(error), status: 'INTERNAL' } }),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get calls() {
      return requests.length;
    },
    script(...replies) {
      queue.push(...replies);
    },
    respond(fn) {
      responder = fn;
    },
    reset() {
      requests.length = 0;
      queue = [];
      responder = () => answer();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
