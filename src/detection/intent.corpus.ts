// The learned layer's training material and its fixed split. Two sources: the Bitext corpus
// (corpus/bitext, CDLA-Sharing-1.0) and the project's own templates (corpus/local/<lang>.yaml). The split
// is a hash of the text (Bitext rows) or of the template (local rows, so that the expansions of one
// template never sit on both sides): the same rows land in the same slice on every machine and run.
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { projectPath } from '../config/paths.ts';
import { normalizeText } from './text.normalize.ts';

export const CORPUS_DIR = `${projectPath('corpus')}/`;

export type Slice = 'train' | 'calibration' | 'validation';

export interface Example {
  text: string;
  label: string;
  source: 'bitext' | `local:${string}`;
  /** What the split hashes: the text itself, or the template it was expanded from. */
  group: string;
  slice: Slice;
}

/** FNV-1a, 32 bits: stable across platforms and Node versions. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The fixed split rule: buckets 0-1 of 10 validate, bucket 2 calibrates, 3-9 train. */
export function sliceOf(group: string): Slice {
  const bucket = fnv1a(normalizeText(group)) % 10;
  return bucket < 2 ? 'validation' : bucket === 2 ? 'calibration' : 'train';
}

/**
 * Bitext's contact_customer_service mixes requests ("I need to speak with customer service") with
 * questions about hours and numbers; the corpus README says to decide per phrase. This rule does.
 */
const CONTACT_QUESTION = /\b(hours?|what time|when|numbers?|available|availability|opening|schedule)\b/i;

export function bitextLabel(intent: string, text: string): string {
  if (intent === 'contact_human_agent') return 'human';
  if (intent === 'contact_customer_service') return CONTACT_QUESTION.test(text) ? 'contact_info' : 'human';
  return intent;
}

const bitextRow = z.object({ text: z.string().min(1), intent: z.string().min(1) });

export function loadBitext(dir = CORPUS_DIR): Example[] {
  return readFileSync(`${dir}bitext/utterances.jsonl`, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const row = bitextRow.parse(JSON.parse(l));
      return {
        text: row.text,
        label: bitextLabel(row.intent, row.text),
        source: 'bitext' as const,
        group: row.text,
        slice: sliceOf(row.text),
      };
    });
}

/** "{a|b} c" → ["a c", "b c"]: every combination, in order. */
export function expandTemplate(template: string): string[] {
  const open = template.indexOf('{');
  if (open < 0) return [template.replace(/\s+/g, ' ').trim()];
  const close = template.indexOf('}', open);
  if (close < 0) throw new Error(`unclosed "{" in template: ${template}`);
  const head = template.slice(0, open);
  const tail = template.slice(close + 1);
  return template
    .slice(open + 1, close)
    .split('|')
    .flatMap((choice) => expandTemplate(`${head}${choice}${tail}`))
    .filter((t) => t.length > 0);
}

/** A template with many alternatives would otherwise outweigh the rest of its label. */
const MAX_PER_TEMPLATE = 16;

/** At most `max` items, evenly spaced (deterministic). */
function spread<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)] as T);
}

const localFile = z.record(z.string().min(1), z.array(z.string().min(1)));

export function loadLocal(dir = CORPUS_DIR): Example[] {
  const files = readdirSync(`${dir}local`)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  return files.flatMap((file) => {
    const lang = file.replace(/\.yaml$/, '');
    const parsed = localFile.parse(parse(readFileSync(`${dir}local/${file}`, 'utf8')));
    return Object.entries(parsed).flatMap(([label, templates]) =>
      templates.flatMap((template) => {
        const slice = sliceOf(template);
        return spread([...new Set(expandTemplate(template))], MAX_PER_TEMPLATE).map((text) => ({
          text,
          label,
          source: `local:${lang}` as const,
          group: template,
          slice,
        }));
      }),
    );
  });
}

/** Everything the model may learn from or be validated on (never the evaluation sets in test/). */
export function loadTrainingMaterial(dir = CORPUS_DIR): Example[] {
  return [...loadBitext(dir), ...loadLocal(dir)];
}
