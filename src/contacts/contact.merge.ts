// Two contacts that are one person become one: the target takes the source's identities, conversations,
// leads and activities, the better of the two records' facts and the primary fields it lacked. The merge
// records what it moved and changed, so an admin can undo it exactly. Every function here runs inside a
// transaction that holds the linking lock.
import { type ContactRow, contactRow, type Tx, updateContact } from '../storage/contact-links.repository.ts';
import {
  insertMerge,
  markMergeUndone,
  mergeRow,
  moveContactRecords,
  moveRecordsBack,
} from '../storage/contact-merges.repository.ts';

export type UndoResult =
  | { outcome: 'undone'; targetId: string; sourceId: string }
  | { outcome: 'not_found' }
  | { outcome: 'already_undone' }
  | { outcome: 'conflict'; message: string };

export type MergeResult =
  | { outcome: 'merged'; mergeId: string }
  | { outcome: 'not_found'; id: string }
  | { outcome: 'conflict'; message: string };

const PRIMARY_FIELDS = ['name', 'phone', 'email'] as const;

/** Merges `source` into `target`; returns the merge's id. */
export async function mergeInto(
  tx: Tx,
  target: ContactRow,
  source: ContactRow,
  reason: string,
  by: string,
  at: Date,
): Promise<string> {
  const moved = await moveContactRecords(tx, source.id, target.id, at);
  const filled: string[] = [];
  const patch: Partial<ContactRow> = {
    leadScore: target.leadScore + source.leadScore,
    // The higher value of the two records, never their sum: the same purchases may be in both.
    lifetimeValue: Math.max(target.lifetimeValue, source.lifetimeValue),
    tier: target.tier === 'standard' && source.tier !== 'standard' ? source.tier : target.tier,
    updatedAt: at,
  };
  for (const field of PRIMARY_FIELDS) {
    if (target[field] === null && source[field] !== null) {
      patch[field] = source[field];
      filled.push(field);
    }
  }
  await updateContact(tx, target.id, patch);
  await updateContact(tx, source.id, { mergedInto: target.id, updatedAt: at });
  return insertMerge(tx, {
    targetId: target.id,
    sourceId: source.id,
    reason,
    moved,
    before: {
      tier: target.tier,
      lifetimeValue: target.lifetimeValue,
      sourceLeadScore: source.leadScore,
      filled,
    },
    mergedBy: by,
    createdAt: at,
  });
}

/** An admin's merge of two distinct contacts they know are one person. */
export async function adminMerge(
  tx: Tx,
  targetId: string,
  sourceId: string,
  by: string,
  at: Date,
): Promise<MergeResult> {
  const target = await contactRow(tx, targetId);
  const source = await contactRow(tx, sourceId);
  if (!target || target.erasedAt) return { outcome: 'not_found', id: targetId };
  if (!source || source.erasedAt) return { outcome: 'not_found', id: sourceId };
  for (const [row, role] of [
    [target, 'target'],
    [source, 'source'],
  ] as const)
    if (row.mergedInto)
      return {
        outcome: 'conflict',
        message: `the ${role} contact was merged into ${row.mergedInto}: merge that one`,
      };
  const mergeId = await mergeInto(tx, target, source, `admin ${by}`, by, at);
  return { outcome: 'merged', mergeId };
}

/** Takes a merge back: the source gets back what it brought, the target what it had before. */
export async function undoMerge(tx: Tx, mergeId: string, by: string, at: Date): Promise<UndoResult> {
  const merge = await mergeRow(tx, mergeId);
  if (!merge) return { outcome: 'not_found' };
  if (merge.undoneAt) return { outcome: 'already_undone' };
  const target = await contactRow(tx, merge.targetId);
  const source = await contactRow(tx, merge.sourceId);
  if (!target || !source || target.erasedAt || source.erasedAt)
    return { outcome: 'conflict', message: 'one of the two contacts was erased since the merge' };
  if (target.mergedInto)
    return {
      outcome: 'conflict',
      message: `contact ${target.id} was itself merged into ${target.mergedInto} since: undo that merge first`,
    };
  const { moved, before } = merge;
  await moveRecordsBack(tx, moved, source.id, target.id, at);
  const restore: Partial<ContactRow> = {
    tier: before.tier,
    lifetimeValue: before.lifetimeValue,
    leadScore: Math.max(0, target.leadScore - before.sourceLeadScore),
    updatedAt: at,
  };
  for (const field of before.filled)
    if (field === 'name' || field === 'phone' || field === 'email') restore[field] = null;
  await updateContact(tx, target.id, restore);
  await updateContact(tx, source.id, { mergedInto: null, updatedAt: at });
  await markMergeUndone(tx, merge.id, by, at);
  return { outcome: 'undone', targetId: target.id, sourceId: source.id };
}
