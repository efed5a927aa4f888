// Webhook bodies are read raw (a signature covers the exact bytes), checked, and only then parsed.
import express, { type Request } from 'express';

/** Vendors send JSON; some omit or vary the content type, so every body is taken as bytes. */
export const rawBody = express.raw({ type: () => true, limit: '256kb' });

export function bodyBytes(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

export function parseJson(bytes: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}
