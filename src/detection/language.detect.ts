// Which of our content languages a visitor writes in, with ELD (eld, n-gram language detector), on its
// extrasmall database cut down to our languages (language.data.ts). A message too short or too ambiguous
// to be "reliable" says nothing, so "ok" or "hello" never switch a Spanish session to English.
import { ELD_ENTRY, type LanguageData, loadLanguageData } from './language.data.ts';

export interface LanguageDetector {
  readonly languages: readonly string[];
  /** The language of the text when the detector is sure of it, else null. */
  detect(text: string): string | null;
}

interface EldInstance {
  detect(text: string): { language: string; isReliable(): boolean };
  setLanguageSubset(languages: string[]): unknown;
}
interface EldModule {
  createEld(): { instance: EldInstance; loadData(data: LanguageData): string };
}
// eld's public entries load its own database files only; its detector module takes ours. The package is
// pinned in the lockfile, and the tests compare this detector with eld's own extrasmall entry.
const eldModule: unknown = await import(new URL('../languageDetector.js', ELD_ENTRY).href);
function isEldModule(m: unknown): m is EldModule {
  return (
    typeof m === 'object' && m !== null && typeof (m as { createEld?: unknown }).createEld === 'function'
  );
}
if (!isEldModule(eldModule))
  throw new Error('eld: languageDetector.js has no createEld (eld changed its layout)');
const { createEld } = eldModule;

/** Fewer letters than this say too little to switch a session's language. */
const MIN_LETTERS = 6;
const LETTER = /\p{L}/gu;

export function createLanguageDetector(
  languages: readonly string[],
  data: LanguageData = loadLanguageData(languages),
): LanguageDetector {
  const { instance: detector, loadData } = createEld();
  loadData(data);
  detector.setLanguageSubset([...languages]);
  return {
    languages,
    detect(text) {
      if ((text.match(LETTER)?.length ?? 0) < MIN_LETTERS) return null;
      const result = detector.detect(text);
      return result.language && languages.includes(result.language) && result.isReliable()
        ? result.language
        : null;
    },
  };
}
