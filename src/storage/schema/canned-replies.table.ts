import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Answers an admin writes once and agents insert with `/shortcut` in the reply box. */
export const cannedReplies = pgTable('canned_replies', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** What follows the `/`: lower-case letters, digits and dashes, unique. */
  shortcut: text('shortcut').notNull().unique(),
  title: text('title').notNull(),
  /** The text, with placeholders such as {visitor_name} and {agent_name} filled when it is inserted. */
  body: text('body').notNull(),
  updatedBy: uuid('updated_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
