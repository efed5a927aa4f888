// Combines the local sentiment with the LLM's view when both exist. Anger and confusion are never
// averaged away: if either side sees anger the visitor is treated as angry (an apology costs nothing,
// a missed angry customer costs a lot), and the score takes the more negative of the two.
import type { Sentiment, SentimentLabel } from './detection.types.ts';

/** Weight of the LLM's score in the combined score; the local score gets the rest. */
export const LLM_SENTIMENT_WEIGHT = 0.6;

const round2 = (n: number) => Math.round(n * 100) / 100;

function labelForScore(score: number): SentimentLabel {
  if (score <= -0.25) return 'negative';
  if (score >= 0.25) return 'positive';
  return 'neutral';
}

export function combineSentiment(local: Sentiment, llm: Sentiment | undefined): Sentiment {
  if (!llm) return { label: local.label, score: round2(local.score) };
  if (local.label === 'angry' || llm.label === 'angry') {
    return { label: 'angry', score: round2(Math.min(local.score, llm.score, -0.5)) };
  }
  const score = round2(LLM_SENTIMENT_WEIGHT * llm.score + (1 - LLM_SENTIMENT_WEIGHT) * local.score);
  if ((local.label === 'confused' || llm.label === 'confused') && score > -0.5)
    return { label: 'confused', score };
  return { label: labelForScore(score), score };
}
