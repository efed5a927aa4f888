// Runs once before the test workers start: makes the migrated templates every test clones (templates.ts),
// so the first tests do not all wait on one another to make them.
import { databaseUrl } from './servers.ts';
import { pgliteTemplate, postgresTemplate } from './templates.ts';

export default async function setup(): Promise<void> {
  await Promise.all([pgliteTemplate(), databaseUrl ? postgresTemplate(databaseUrl) : null]);
}
