// Merging two contacts into one, and undoing a merge: both done by the linker, both audited.
import type { Response } from 'express';
import { operatorOf } from './auth.routes.ts';
import type { ContactRoutesOptions } from './contacts.routes.ts';
import { sendError } from './http.errors.ts';

type MergeDeps = Pick<ContactRoutesOptions, 'repository' | 'linker'>;

/** Merges the source contact into the target; answers the merge id (for the undo) and the target now. */
export async function mergeContacts(
  { repository, linker }: MergeDeps,
  res: Response,
  targetId: string,
  sourceId: string,
) {
  const me = operatorOf(res);
  const result = await linker.merge(targetId, sourceId, me.id);
  if (result.outcome === 'not_found')
    return sendError(res, 404, 'contact_not_found', `No contact with the id ${result.id}.`);
  if (result.outcome === 'conflict') return sendError(res, 409, 'cannot_merge', result.message);
  await repository.audit({
    actorId: me.id,
    action: 'contact.merge',
    subjectType: 'contact',
    subjectId: targetId,
    details: { mergeId: result.mergeId, sourceId },
  });
  res.json({ mergeId: result.mergeId, contact: await repository.get(targetId) });
}

/** Undoes a merge; answers the two contacts as they are again. */
export async function undoMerge({ repository, linker }: MergeDeps, res: Response, mergeId: string) {
  const me = operatorOf(res);
  const result = await linker.undo(mergeId, me.id);
  switch (result.outcome) {
    case 'not_found':
      return sendError(res, 404, 'merge_not_found', 'No merge with this id.');
    case 'already_undone':
      return sendError(res, 409, 'already_undone', 'This merge was undone already.');
    case 'conflict':
      return sendError(res, 409, 'merge_changed', result.message);
    case 'undone':
      await repository.audit({
        actorId: me.id,
        action: 'contact.unmerge',
        subjectType: 'contact',
        subjectId: result.targetId,
        details: { mergeId, sourceId: result.sourceId },
      });
      return res.json({
        target: await repository.get(result.targetId),
        source: await repository.get(result.sourceId),
      });
  }
}
