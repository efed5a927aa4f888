// Persisted snapshots are versioned by us (xstate does not version them): store {schemaVersion, snapshot}
// and migrate on read. Rehydration uses an actor that is never started, so nothing runs.
import { createActor, type SnapshotFrom } from 'xstate';
import type { ConversationMachine } from '../machines/conversation.machine.ts';

export type ConversationSnapshot = SnapshotFrom<ConversationMachine>;

export const SNAPSHOT_SCHEMA_VERSION = 1;

/** Migrations from version N to N+1, applied in order on read. Empty while only version 1 exists. */
const MIGRATIONS: Record<number, (persisted: unknown) => unknown> = {};

export class SnapshotVersionError extends Error {}

export function persistSnapshot(machine: ConversationMachine, snapshot: ConversationSnapshot): unknown {
  return machine.getPersistedSnapshot(snapshot);
}

export function rehydrateSnapshot(
  machine: ConversationMachine,
  schemaVersion: number,
  persisted: unknown,
): ConversationSnapshot {
  let current = persisted;
  for (let v = schemaVersion; v < SNAPSHOT_SCHEMA_VERSION; v++) {
    const migrate = MIGRATIONS[v];
    if (!migrate) throw new SnapshotVersionError(`no migration from snapshot schema version ${v}`);
    current = migrate(current);
  }
  if (schemaVersion > SNAPSHOT_SCHEMA_VERSION) {
    throw new SnapshotVersionError(
      `snapshot schema version ${schemaVersion} is newer than this build (${SNAPSHOT_SCHEMA_VERSION})`,
    );
  }
  // The persisted snapshot came from our own store, written by persistSnapshot.
  // `input` is required by the type but unused when a snapshot is given.
  return createActor(machine, { snapshot: current as ConversationSnapshot, input: { at: '' } }).getSnapshot();
}

/** Dotted state path: `escalated.queued`, `troubleshooting`. */
export function statePath(snapshot: ConversationSnapshot): string {
  const walk = (value: unknown): string[] => {
    if (typeof value === 'string') return [value];
    if (value && typeof value === 'object') {
      const [key, child] = Object.entries(value)[0] ?? [];
      return key ? [key, ...walk(child)] : [];
    }
    return [];
  };
  return walk(snapshot.value).join('.');
}
