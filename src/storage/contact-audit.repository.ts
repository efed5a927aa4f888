// The audit trail of what admins did to contacts (edits, imports, merges and their undoing, exports, erasures).
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from './database.ts';
import { auditLog } from './schema/index.ts';

export interface AuditEntry {
  actorId: string;
  action: string;
  subjectType: string;
  subjectId: string;
  details?: Record<string, unknown>;
}

export async function recordAudit(db: Db, entry: AuditEntry, at: Date): Promise<void> {
  await db.insert(auditLog).values({ ...entry, details: entry.details ?? {}, at });
}

/** What was done to one contact, newest first. */
export async function contactAuditOf(db: Db, subjectId: string) {
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.subjectType, 'contact'), eq(auditLog.subjectId, subjectId)))
    .orderBy(desc(auditLog.at));
  return rows.map((r) => ({
    actorId: r.actorId,
    action: r.action,
    details: r.details,
    at: r.at.toISOString(),
  }));
}
