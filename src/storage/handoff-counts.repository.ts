// Counts over the handoff tables that operations watch (the metrics gauges read them at scrape time):
// escalations still waiting for an operator, and handoff deliveries by target and status.
import { count, eq } from 'drizzle-orm';
import type { Db } from './database.ts';
import { escalationIntegrations, escalations } from './schema/index.ts';

export interface HandoffCountsRepository {
  queuedEscalations(): Promise<number>;
  deliveries(): Promise<Array<{ target: string; status: string; n: number }>>;
}

export function createHandoffCountsRepository(db: Db): HandoffCountsRepository {
  return {
    async queuedEscalations() {
      const [row] = await db.select({ n: count() }).from(escalations).where(eq(escalations.status, 'queued'));
      return row?.n ?? 0;
    },
    deliveries: () =>
      db
        .select({ target: escalationIntegrations.target, status: escalationIntegrations.status, n: count() })
        .from(escalationIntegrations)
        .groupBy(escalationIntegrations.target, escalationIntegrations.status),
  };
}
