// Text normalisation for the keyword layer: lowercase, strip accents/emoji/punctuation, expand contractions
// and common chat spellings, tokenise. Punctuation that separates clauses or sentences is kept as a
// boundary token so that matchers never join words across it. Everything here is precompiled.

/** Boundary tokens: they never collide with words because punctuation is stripped from words. */
export const CLAUSE_BREAK = ',';
export const SENTENCE_BREAK = '.';
export const QUESTION_BREAK = '?';

/** Possessive marker token: "the agent's name" → ["the", "agent", "'s", "name"]. */
export const POSSESSIVE = "'s";

export function isBoundary(token: string): boolean {
  return token === CLAUSE_BREAK || token === SENTENCE_BREAK || token === QUESTION_BREAK;
}

const NON_ASCII = /[\u0080-\uffff]/;
const COMBINING_MARKS = /\p{M}+/gu;
// Typographic apostrophes and accents used as apostrophes; NFKD already maps fullwidth "！？" and "…".
const APOSTROPHES = /[\u2018\u2019\u02bc\u00b4\u2032]/g;
const REPEATS = /([a-z])\1{2,}/g;

// Character classes for the single-pass scanner (ASCII codes).
const CH_APOSTROPHE = 39;
const CH_BACKTICK = 96;

function boundaryRank(code: number): number {
  if (code === 63) return 3; // ?
  if (code === 46 || code === 33) return 2; // . !
  if (code === 44 || code === 59 || code === 58) return 1; // , ; :
  return 0;
}
const BOUNDARY_BY_RANK = ['', CLAUSE_BREAK, SENTENCE_BREAK, QUESTION_BREAK] as const;

function isWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === CH_APOSTROPHE;
}

/** Whole-token rewrites: contractions written with or without the apostrophe, and chat spellings. */
const REWRITES: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries({
    "can't": 'can not',
    cant: 'can not',
    cannot: 'can not',
    "won't": 'will not',
    wont: 'will not',
    "ain't": 'is not',
    aint: 'is not',
    "shan't": 'shall not',
    dont: 'do not',
    doesnt: 'does not',
    didnt: 'did not',
    isnt: 'is not',
    arent: 'are not',
    wasnt: 'was not',
    werent: 'were not',
    havent: 'have not',
    hasnt: 'has not',
    hadnt: 'had not',
    couldnt: 'could not',
    wouldnt: 'would not',
    shouldnt: 'should not',
    mustnt: 'must not',
    neednt: 'need not',
    im: 'i am',
    ive: 'i have',
    youre: 'you are',
    thats: 'that is',
    whats: 'what is',
    theres: 'there is',
    "let's": 'let us',
    wanna: 'want to',
    gonna: 'going to',
    gotta: 'got to',
    hafta: 'have to',
    lemme: 'let me',
    gimme: 'give me',
    idk: 'i do not know',
    pls: 'please',
    plz: 'please',
    plse: 'please',
    pleas: 'please',
    u: 'you',
    ya: 'you',
    ur: 'your',
    r: 'are',
    w: 'with',
    thx: 'thanks',
    thanx: 'thanks',
    thnx: 'thanks',
    tnx: 'thanks',
    ty: 'thank you',
    okay: 'ok',
    okey: 'ok',
    k: 'ok',
    kk: 'ok',
    cuz: 'because',
    coz: 'because',
    bc: 'because',
    nvm: 'never mind',
    nevermind: 'never mind',
  }).map(([from, to]) => [from, to.split(' ')]),
);

const IS_PRONOUNS = new Set([
  'it',
  'that',
  'what',
  'there',
  'he',
  'she',
  'here',
  'who',
  'where',
  'how',
  'this',
]);
const SUFFIXES: ReadonlyArray<readonly [string, string | null]> = [
  ["n't", 'not'],
  ["'re", 'are'],
  ["'ve", 'have'],
  ["'ll", 'will'],
  ["'d", 'would'],
  ["'m", 'am'],
];

function pushToken(out: string[], raw: string): void {
  let token = raw;
  if (token.includes("'")) {
    // Strip quotes around a word ('agent') before looking at contractions.
    while (token.startsWith("'")) token = token.slice(1);
    while (token.endsWith("'")) token = token.slice(0, -1);
    if (token === '') return;
  }
  const rewrite = REWRITES.get(token);
  if (rewrite) {
    for (const t of rewrite) out.push(t);
    return;
  }
  if (token.includes("'")) {
    for (const [suffix, word] of SUFFIXES) {
      if (token.endsWith(suffix) && token.length > suffix.length) {
        pushToken(out, token.slice(0, -suffix.length));
        if (word) out.push(word);
        return;
      }
    }
    if (token.endsWith("'s") && token.length > 2) {
      const base = token.slice(0, -2);
      pushToken(out, base);
      out.push(IS_PRONOUNS.has(base) ? 'is' : POSSESSIVE);
      return;
    }
    token = token.replaceAll("'", '');
    if (token === '') return;
    const again = REWRITES.get(token);
    if (again) {
      for (const t of again) out.push(t);
      return;
    }
  }
  out.push(token);
}

/**
 * Normalise and tokenise one message. Words are lowercase ASCII letters/digits; boundary tokens
 * (CLAUSE_BREAK, SENTENCE_BREAK, QUESTION_BREAK) mark punctuation. Leading boundaries and repeated
 * boundaries are dropped; a trailing boundary is kept (a final "?" marks a question).
 */
export function tokenize(text: string): string[] {
  // Unicode work only when needed: most chat messages are plain ASCII.
  const source = NON_ASCII.test(text)
    ? text.normalize('NFKD').replace(COMBINING_MARKS, '').replace(APOSTROPHES, "'").toLowerCase()
    : text.toLowerCase();
  const out: string[] = [];
  let start = -1; // start of the current word
  let pendingBoundary = 0; // strongest punctuation seen since the last word
  let repeated = false; // the current word has a letter three times in a row
  let backtick = false;
  const n = source.length;
  for (let i = 0; i <= n; i++) {
    const raw = i < n ? source.charCodeAt(i) : 32;
    const code = raw === CH_BACKTICK ? CH_APOSTROPHE : raw;
    if (isWordChar(code)) {
      if (start < 0) {
        if (pendingBoundary > 0 && out.length > 0)
          out.push(BOUNDARY_BY_RANK[pendingBoundary] ?? CLAUSE_BREAK);
        pendingBoundary = 0;
        start = i;
        repeated = false;
        backtick = false;
      }
      if (raw === CH_BACKTICK) backtick = true;
      else if (i - start >= 2 && code === source.charCodeAt(i - 1) && code === source.charCodeAt(i - 2)) {
        repeated = true;
      }
      continue;
    }
    if (start >= 0) {
      let word = source.slice(start, i);
      if (backtick) word = word.replaceAll('`', "'");
      if (repeated) word = word.replace(REPEATS, '$1$1');
      pushToken(out, word);
      start = -1;
    }
    const rank = boundaryRank(code);
    if (rank > pendingBoundary) pendingBoundary = rank;
  }
  if (pendingBoundary > 0 && out.length > 0) out.push(BOUNDARY_BY_RANK[pendingBoundary] ?? CLAUSE_BREAK);
  return out;
}

/** The normalised text as one string (boundary tokens included), for logs and phrase compilation. */
export function normalizeText(text: string): string {
  return tokenize(text).join(' ');
}

/** Tokens without boundary markers: how configured phrases are compiled. */
export function phraseTokens(phrase: string): string[] {
  return tokenize(phrase).filter((t) => !isBoundary(t));
}
