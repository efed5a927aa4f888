// The survey's effects: the visitor's rating, then their optional comment, stored per conversation
// segment. Effects of one turn run after its commit and may run twice (at least once): both writes are
// idempotent. A comment whose rating row is not written yet (the rating effect is still queued) retries.
import type { Db } from '../storage/database.ts';
import { createSatisfactionRepository } from '../storage/satisfaction.repository.ts';
import { EFFECT_PARAMS } from './effect.catalog.ts';
import type { EffectHandler } from './effect.worker.ts';

export function createSatisfactionHandlers(db: Db): Record<string, EffectHandler> {
  const ratings = createSatisfactionRepository(db);
  return {
    recordSatisfaction: async (effect) => {
      const p = EFFECT_PARAMS.recordSatisfaction.safeParse(effect.params);
      if (!p.success) return { outcome: 'failed', error: `recordSatisfaction params: ${p.error.message}` };
      await ratings.recordRating({
        sessionId: effect.sessionId,
        segment: p.data.segment,
        rating: p.data.rating,
        agentId: p.data.agentId,
        category: p.data.category,
        at: new Date(p.data.at),
      });
      return { outcome: 'done' };
    },
    recordSatisfactionComment: async (effect) => {
      const p = EFFECT_PARAMS.recordSatisfactionComment.safeParse(effect.params);
      if (!p.success)
        return { outcome: 'failed', error: `recordSatisfactionComment params: ${p.error.message}` };
      const stored = await ratings.recordComment({
        sessionId: effect.sessionId,
        segment: p.data.segment,
        comment: p.data.comment,
        at: new Date(p.data.at),
      });
      return stored
        ? { outcome: 'done' }
        : { outcome: 'retry', error: 'the rating of this segment is not stored yet', retryAfterMs: 500 };
    },
  };
}
