// Canned replies in Postgres (`canned_replies`): admins write them, every operator reads them.
import { asc, eq } from 'drizzle-orm';
import type { Db } from './database.ts';
import { isUniqueViolation } from './pg.errors.ts';
import { cannedReplies } from './schema/index.ts';

export interface CannedReply {
  id: string;
  shortcut: string;
  title: string;
  body: string;
  updatedAt: string;
}

export interface CannedReplyInput {
  shortcut: string;
  title: string;
  body: string;
}

type Row = typeof cannedReplies.$inferSelect;
const toReply = (r: Row): CannedReply => ({
  id: r.id,
  shortcut: r.shortcut,
  title: r.title,
  body: r.body,
  updatedAt: r.updatedAt.toISOString(),
});

export type Saved = { outcome: 'saved'; reply: CannedReply } | { outcome: 'shortcut_taken' | 'not_found' };

export type CannedReplies = ReturnType<typeof createCannedReplies>;

export function createCannedReplies(db: Db, now: () => Date) {
  const isUuid = (id: string) => /^[0-9a-f-]{36}$/i.test(id);
  async function saving(run: () => Promise<Row | undefined>): Promise<Saved> {
    try {
      const row = await run();
      return row ? { outcome: 'saved', reply: toReply(row) } : { outcome: 'not_found' };
    } catch (error) {
      if (isUniqueViolation(error)) return { outcome: 'shortcut_taken' };
      throw error;
    }
  }
  return {
    async list(): Promise<CannedReply[]> {
      const rows = await db.select().from(cannedReplies).orderBy(asc(cannedReplies.shortcut));
      return rows.map(toReply);
    },
    create(input: CannedReplyInput, by: string): Promise<Saved> {
      return saving(async () => {
        const at = now();
        const [row] = await db
          .insert(cannedReplies)
          .values({ ...input, updatedBy: by, createdAt: at, updatedAt: at })
          .returning();
        return row;
      });
    },
    update(id: string, input: CannedReplyInput, by: string): Promise<Saved> {
      if (!isUuid(id)) return Promise.resolve({ outcome: 'not_found' });
      return saving(async () => {
        const [row] = await db
          .update(cannedReplies)
          .set({ ...input, updatedBy: by, updatedAt: now() })
          .where(eq(cannedReplies.id, id))
          .returning();
        return row;
      });
    },
    async remove(id: string): Promise<boolean> {
      if (!isUuid(id)) return false;
      const gone = await db
        .delete(cannedReplies)
        .where(eq(cannedReplies.id, id))
        .returning({ id: cannedReplies.id });
      return gone.length > 0;
    },
  };
}
