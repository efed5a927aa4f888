// Local sentiment: no network, so the embedded default still notices anger and confusion. The AFINN
// lexicon (the `sentiment` package) gives the base score; our own cues add what a lexicon misses in a
// support chat: shouting, "!!!", demands ("NOW", "give me my money back"), waiting complaints, "tried
// everything", and confusion ("what do you mean", "??"). Words that describe the problem rather than the
// visitor's mood ("error", "lost", "cancel") are neutralised so that "I lost my password" is not anger.
import Sentiment from 'sentiment';
import type { SentimentLabel, Sentiment as SentimentValue } from './detection.types.ts';

export interface LocalSentiment extends SentimentValue {
  /** Human-readable cues that moved the score or chose the label (for the trace). */
  cues: string[];
  /** The visitor says everything suggested has been tried ("tried everything", "nothing works"). */
  exhausted: boolean;
}

/** Problem-describing words scored as mood by AFINN; in a support chat they are the topic, not the mood. */
const DOMAIN_NEUTRAL: Record<string, number> = {
  problem: 0,
  problems: 0,
  issue: 0,
  issues: 0,
  error: 0,
  errors: 0,
  trouble: 0,
  troubles: 0,
  lost: 0,
  lose: 0,
  cancel: 0,
  cancelled: 0,
  canceled: 0,
  cancelling: 0,
  missed: 0,
  missing: 0,
  mistake: 0,
  forgot: 0,
  forgotten: 0,
  pay: 0,
  demand: 0,
  no: 0,
  stuck: -1,
  failed: -1,
  fail: -1,
  fails: -1,
  broken: -1,
  wrong: -1,
  declined: 0,
  charged: 0,
  delay: -1,
  delayed: -1,
  help: 0,
  please: 0,
  want: 0,
  fixed: 0,
  fix: 0,
  block: 0,
  blocked: 0,
  locked: 0,
  // Profanity is counted once as an anger cue below: "my damn invoice" alone is irritation, not a
  // reason to escalate, but with another cue ("useless", "!!!") it makes the visitor angry.
  damn: 0,
  goddamn: 0,
  damned: 0,
  bloody: 0,
  fuck: 0,
  fucking: 0,
  fucked: 0,
  shit: 0,
  shitty: 0,
  hell: 0,
  crap: 0,
  crappy: 0,
};

/** Short all-caps words that are names, not shouting. */
const ACRONYMS = new Set([
  'ok',
  'id',
  'pin',
  'otp',
  'sms',
  'pdf',
  'faq',
  'usa',
  'uk',
  'eu',
  'ups',
  'dhl',
  'dpd',
  'usps',
  'fedex',
  'api',
  'url',
  'eta',
  'vat',
  'iban',
  'cvc',
  'cvv',
  'tv',
  'pc',
  'ios',
  'app',
  'dm',
  'hi',
]);

interface Cue {
  name: string;
  pattern: RegExp;
  /** How many cues this one counts for (an ultimatum is anger on its own). */
  weight?: number;
}

// Anger: outrage words, profanity, threats and money-back demands.
const ANGER_CUES: Cue[] = [
  {
    name: 'outrage word',
    pattern:
      /\b(ridiculous|unacceptable|outrageous|absurd|disgrac\w*|pathetic|useless|a joke|scam\w*|fraud\w*|furious|livid|incompetent|worst|appalling|shameful|disgusting)\b/i,
  },
  {
    name: 'fed up',
    pattern:
      /\b(fed up|sick (of|and tired)|had enough|enough is enough|waste of (my )?time|wasting my time)\b/i,
  },
  {
    name: 'profanity',
    pattern: /\b(wtf|ffs|damn|goddamn\w*|bloody|f+u+c+k\w*|shit\w*|crap\w*|bullshit|hell)\b/i,
  },
  {
    name: 'money-back demand',
    pattern:
      // "I need a refund" and "I'd like to dispute a charge" are requests, not anger: they are left to the
      // payment/refund priority (high). Demands and threats are anger.
      /\b(money back|(give|want|get) (me )?(back )?my money|refund me|(demand|insist on) (a |my )?(full )?refund|want (a |my )?full refund|charge ?back|lawyer|legal action|sue you|report you|consumer protection)\b/i,
  },
  {
    name: 'ultimatum',
    weight: 2,
    pattern:
      /\b(or (else|i('| wi)ll (cancel|leave|go|switch|take|report|post|sue|dispute|close))|last chance|final warning|i('| wi)ll (take my business|go|shop) elsewhere|(by|before) (tomorrow|tonight|today|end of (the )?day|monday|friday) or|(dispute|reverse) (it|this|the (charge|payment|transaction)) with my (bank|card))\b/i,
  },
  { name: 'demand for immediacy', pattern: /\b(right now|immediately|asap|at once)\b/i },
];

// Frustration that is not yet anger: waiting, repeated failure.
const FRUSTRATION_CUES: Cue[] = [
  {
    name: 'still waiting',
    pattern:
      /\b(still (no|not|nothing|waiting|hasn'?t|haven'?t|isn'?t|doesn'?t|does not|won'?t|can'?t|broken|the same))\b/i,
  },
  {
    name: 'again',
    pattern:
      /\b(again and again|over and over|(third|fourth|fifth|\d+(st|nd|rd|th)) time|keeps? (on )?(failing|happening|crashing))\b/i,
  },
  {
    name: 'time elapsed',
    pattern: /\b(\d+|a|two|three|four|five|several) (days|weeks|months) (ago|now|already|and)\b/i,
  },
];

const EXHAUSTION_CUES: Cue[] = [
  {
    name: 'tried everything',
    pattern:
      /\b((tried|done|did) (everything|all (of )?(it|that|this|these|those|the steps|your steps|you said))|nothing (works|worked|helps|helped|changes|changed)|none of (it|this|that|these|those|them|the steps|your (steps|suggestions|tips)) (works?|worked|helps?|helped))\b/i,
  },
];

const CONFUSION_CUES: Cue[] = [
  {
    name: 'does not understand',
    pattern:
      /\b(i (do not|don'?t|dont|didn'?t|did not) (understand|get (it|this|that|you))|not sure (what|how|which|where)|(i am|i'?m) (lost|confused)|no idea (what|how|where))\b/i,
  },
  {
    name: 'asks what is meant',
    pattern:
      /\b(what (do|did) you mean|what does (that|this|it) mean|what is that supposed to mean|meaning\?)/i,
  },
  {
    name: 'confused',
    pattern: /\b(confus\w*|makes no sense|doesn'?t make sense|does not make sense|huh)\b/i,
  },
  {
    name: 'where or how',
    pattern: /\b(where (do|can) i (find|see|click)|how do i do (that|this|it)|which (one|button|link))\b/i,
  },
  { name: 'double question mark', pattern: /\?\s*\?/ },
];

function shouting(text: string): string | null {
  const words = text.match(/\p{L}+/gu) ?? [];
  const shouted = words.filter(
    (w) => w.length >= 3 && w === w.toUpperCase() && w !== w.toLowerCase() && !ACRONYMS.has(w.toLowerCase()),
  );
  const letters = words.join('');
  const upper = [...letters].filter((c) => c !== c.toLowerCase() && c === c.toUpperCase()).length;
  if (letters.length >= 12 && upper / letters.length >= 0.6) return 'mostly capitals';
  if (shouted.length > 0) return `shouting "${shouted.slice(0, 3).join(' ')}"`;
  return null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const clamp = (n: number) => Math.max(-1, Math.min(1, n));

export interface LocalSentimentOptions {
  /** Score change per anger cue (default 0.2) and per frustration cue (0.15). */
  angerWeight?: number;
  frustrationWeight?: number;
}

export function createLocalSentiment(options: LocalSentimentOptions = {}) {
  const analyzer = new Sentiment();
  const angerWeight = options.angerWeight ?? 0.2;
  const frustrationWeight = options.frustrationWeight ?? 0.15;

  return function analyze(text: string): LocalSentiment {
    const cues: string[] = [];
    const lexicon = analyzer.analyze(text, { extras: DOMAIN_NEUTRAL });
    // tanh keeps long messages with many mild words inside −1…1; one strong word (−3) lands near −0.5.
    let score = Math.tanh(lexicon.score / 5);
    if (lexicon.words.length > 0)
      cues.push(`lexicon ${lexicon.score} (${lexicon.words.slice(0, 4).join(', ')})`);

    let anger = 0;
    const shout = shouting(text);
    if (shout) {
      // A whole message in capitals is shouting on its own; one capitalised word needs another cue.
      anger += shout === 'mostly capitals' ? 2 : 1;
      cues.push(shout);
    }
    const bangs = (text.match(/!/g) ?? []).length;
    if (bangs >= 2) {
      anger++;
      cues.push(bangs >= 3 ? `${bangs} exclamation marks` : 'exclamation marks');
    }
    for (const cue of ANGER_CUES) {
      if (cue.pattern.test(text)) {
        anger += cue.weight ?? 1;
        cues.push(cue.name);
      }
    }
    let frustration = 0;
    for (const cue of FRUSTRATION_CUES) {
      if (cue.pattern.test(text)) {
        frustration++;
        cues.push(cue.name);
      }
    }
    const exhausted = EXHAUSTION_CUES.some((cue) => cue.pattern.test(text));
    if (exhausted) {
      frustration++;
      cues.push('tried everything');
    }
    let confusion = 0;
    for (const cue of CONFUSION_CUES) {
      if (cue.pattern.test(text)) {
        confusion++;
        cues.push(cue.name);
      }
    }

    score = clamp(score - anger * angerWeight - frustration * frustrationWeight);
    let label: SentimentLabel;
    if (anger >= 2 || (anger >= 1 && score <= -0.5)) {
      label = 'angry';
      // Anger is what the escalation threshold is for: never let a polite word lift it above it.
      score = Math.min(score, -0.6);
    } else if (confusion > 0 && score > -0.5) {
      label = 'confused';
      // Confusion alone asks for plainer words, not for a human.
      score = Math.max(score, -0.4);
    } else if (score <= -0.25) label = 'negative';
    else if (score >= 0.25) label = 'positive';
    else label = 'neutral';
    return { label, score: round2(score), cues, exhausted };
  };
}

export type LocalSentimentAnalyzer = ReturnType<typeof createLocalSentiment>;
