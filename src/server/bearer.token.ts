// The bearer token of a request (`Authorization: Bearer <token>`): session, operator and metrics tokens.
import type { Request } from 'express';

export function bearerToken(req: Request): string | null {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1] ?? null;
}
