// Local sentiment (no network). Risks covered: the embedded default (no LLM) missing an angry or confused
// visitor; problem words ("lost", "error") or profanity aimed at the problem read as anger, escalating
// ordinary self-service questions; the LLM's view averaging away anger the local layer saw.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { combineSentiment } from '../../src/detection/sentiment.combine.ts';
import { createLocalSentiment } from '../../src/detection/sentiment.local.ts';

const analyze = createLocalSentiment();
const CORPUS = new URL('../../corpus/bitext/utterances.jsonl', import.meta.url);

describe('local sentiment', () => {
  it('sees the seed angry message as angry, well below the escalation threshold', () => {
    const s = analyze(
      'This is ridiculous! I paid 2 weeks ago and still no delivery! Give me my money back NOW!',
    );
    expect(s.label).toBe('angry');
    expect(s.score).toBeLessThanOrEqual(-0.5);
    expect(s.cues).toEqual(
      expect.arrayContaining(['shouting "NOW"', 'outrage word', 'money-back demand', '3 exclamation marks']),
    );
  });

  it.each([
    ['THIS IS THE THIRD TIME I AM ASKING', 'angry'],
    ['useless bot!!', 'angry'],
    ['this fucking app is a joke', 'angry'],
    ['I want my money back right now, this is unacceptable', 'angry'],
  ])('anger: %s', (text, label) => {
    expect(analyze(text).label).toBe(label);
  });

  it.each([
    "I don't understand what you mean",
    'what do you mean by cache??',
    "i'm confused, which button?",
    'sorry, that makes no sense to me',
  ])('confusion: %s', (text) => {
    const s = analyze(text);
    expect(s.label).toBe('confused');
    // Confusion alone asks for plainer words, not for a human.
    expect(s.score).toBeGreaterThan(-0.5);
  });

  it.each([
    'I lost my password',
    'there is an error with my payment',
    'I need to cancel my order',
    'where is my damn parcel',
    'my card was declined',
  ])('a problem description is not anger: %s', (text) => {
    const s = analyze(text);
    expect(s.label).not.toBe('angry');
    expect(s.score).toBeGreaterThan(-0.5);
  });

  it('notices "tried everything" (the rules escalate on it)', () => {
    const s = analyze("i've tried everything you said and it still doesn't work");
    expect(s.exhausted).toBe(true);
    expect(s.label).toBe('negative');
    expect(analyze('I tried the first step').exhausted).toBe(false);
  });

  it('thanks are positive', () => {
    expect(analyze('thanks, that worked great!').label).toBe('positive');
  });

  it('on the shared corpus, self-service questions almost never reach the escalation threshold', () => {
    const rows = readFileSync(CORPUS, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { text: string; intent: string });
    const selfService = rows.filter(
      (r) => !['complaint', 'get_refund', 'contact_human_agent'].includes(r.intent),
    );
    const escalating = selfService.filter((r) => analyze(r.text).score <= -0.5);
    const complaints = rows.filter((r) => r.intent === 'complaint');
    const unhappyComplaints = complaints.filter((r) => analyze(r.text).score <= -0.25);
    console.log(
      `local sentiment on corpus: ${escalating.length}/${selfService.length} self-service messages ≤ −0.5; ` +
        `${unhappyComplaints.length}/${complaints.length} complaints ≤ −0.25`,
    );
    expect(escalating.length / selfService.length).toBeLessThan(0.01);
    expect(unhappyComplaints.length).toBeGreaterThan(0);
  });
});

describe('combining local and LLM sentiment', () => {
  it('without the LLM the local view stands', () => {
    expect(combineSentiment({ label: 'confused', score: -0.1 }, undefined)).toEqual({
      label: 'confused',
      score: -0.1,
    });
  });

  it('anger on either side wins and takes the more negative score', () => {
    expect(combineSentiment({ label: 'angry', score: -0.8 }, { label: 'neutral', score: 0.1 })).toEqual({
      label: 'angry',
      score: -0.8,
    });
    expect(combineSentiment({ label: 'neutral', score: 0 }, { label: 'angry', score: -0.3 })).toEqual({
      label: 'angry',
      score: -0.5,
    });
  });

  it('otherwise a weighted mean (LLM 0.6), and confusion on either side is kept', () => {
    expect(combineSentiment({ label: 'neutral', score: 0 }, { label: 'negative', score: -0.5 })).toEqual({
      label: 'negative',
      score: -0.3,
    });
    expect(combineSentiment({ label: 'confused', score: -0.2 }, { label: 'neutral', score: 0 }).label).toBe(
      'confused',
    );
  });
});
