// The language detector on its cut-down database (content/model/language.ngrams.json). Risks covered: the
// smaller database detecting differently from eld's own extrasmall one (the measured Spanish and English
// figures would no longer hold); a content language the database does not know (a third language added
// without `npm run train`) failing silently instead of at start-up; the file drifting from what
// `npm run train` writes.
import { readFileSync } from 'node:fs';
import { eld } from 'eld/extrasmall';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/env.ts';
import { CORPUS_DIR } from '../../src/detection/intent.corpus.ts';
import {
  ELD_ENTRY,
  LANGUAGE_DATA_PATH,
  loadLanguageData,
  subsetLanguageData,
} from '../../src/detection/language.data.ts';
import { createLanguageDetector } from '../../src/detection/language.detect.ts';

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { text: string }).text);
const texts = [
  ...lines(new URL('../fixtures/detection/spanish.es.jsonl', import.meta.url).pathname),
  ...lines(new URL('../fixtures/detection/hard.en.jsonl', import.meta.url).pathname),
  ...lines(`${CORPUS_DIR}bitext/utterances.jsonl`).filter((_, i) => i % 5 === 0),
];

describe('language detection on the cut-down eld database', () => {
  it("decides exactly as eld's full extrasmall database restricted to our languages", () => {
    const ours = createLanguageDetector(['en', 'es']);
    const full = eld.newInstance();
    full.setLanguageSubset(['en', 'es']);
    const theirs = (text: string) => {
      if ((text.match(/\p{L}/gu)?.length ?? 0) < 6) return null;
      const r = full.detect(text);
      return r.language && r.isReliable() ? r.language : null;
    };
    expect(texts.length).toBeGreaterThan(400);
    const differ = texts.filter((t) => ours.detect(t) !== theirs(t));
    expect(differ).toEqual([]);
    // And it does tell them apart.
    expect(ours.detect('quiero hablar con una persona')).toBe('es');
    expect(ours.detect('I would like to talk to a person')).toBe('en');
  });

  it('the committed file is what npm run train writes from eld', async () => {
    const { ngramsData } = await import(new URL('../ngrams/extrasmall.js', ELD_ENTRY).href);
    const expected = subsetLanguageData(ngramsData, ['en', 'es']);
    expect(JSON.parse(readFileSync(LANGUAGE_DATA_PATH, 'utf8'))).toEqual(expected);
    expect(readFileSync(new URL('LICENSE.eld.txt', `file://${LANGUAGE_DATA_PATH}`), 'utf8')).toMatch(
      /Apache License/,
    );
  });

  it('a content language the database does not have is a start-up error that says what to run', () => {
    expect(() => loadLanguageData(['en', 'es', 'fr'])).toThrow(ConfigError);
    expect(() => loadLanguageData(['en', 'fr'])).toThrow(/has no fr: run npm run train/);
  });
});
