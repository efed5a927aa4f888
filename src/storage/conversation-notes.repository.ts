// Internal notes on a conversation (`conversation_notes`): operators only. Nothing here is ever part of
// the transcript, so nothing that reads the transcript (the widget, its stream, channels, desks, the
// visitor's copy) can show one.
import { asc, eq } from 'drizzle-orm';
import type { Db } from './database.ts';
import { conversationNotes, type NOTE_KINDS } from './schema/index.ts';

export interface ConversationNote {
  id: string;
  conversationId: string;
  authorId: string;
  kind: (typeof NOTE_KINDS)[number];
  text: string;
  toAgentId: string | null;
  at: string;
}

type Row = typeof conversationNotes.$inferSelect;
const toNote = (r: Row): ConversationNote => ({
  id: r.id,
  conversationId: r.conversationId,
  authorId: r.authorId,
  kind: r.kind,
  text: r.text,
  toAgentId: r.toAgentId,
  at: r.createdAt.toISOString(),
});

export type ConversationNotes = ReturnType<typeof createConversationNotes>;

export function createConversationNotes(db: Db, now: () => Date) {
  return {
    async add(input: {
      conversationId: string;
      authorId: string;
      text: string;
      kind?: ConversationNote['kind'];
      toAgentId?: string;
    }): Promise<ConversationNote> {
      const [row] = await db
        .insert(conversationNotes)
        .values({ ...input, kind: input.kind ?? 'note', createdAt: now() })
        .returning();
      if (!row) throw new Error('insert returned no row');
      return toNote(row);
    },
    async of(conversationId: string): Promise<ConversationNote[]> {
      const rows = await db
        .select()
        .from(conversationNotes)
        .where(eq(conversationNotes.conversationId, conversationId))
        .orderBy(asc(conversationNotes.createdAt));
      return rows.map(toNote);
    },
  };
}
