// Loads a YAML spec and reports problems with the line they are on, because a person wrote the file.
import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { type Spec, specSchema } from './spec.schema.ts';

export interface LoadedSpec {
  file: string;
  spec: Spec;
  /** Line of each step in the file (1-based), for messages. */
  stepLines: number[];
}

export interface SpecProblem {
  file: string;
  line: number;
  message: string;
}

export type SpecLoad = { ok: true; loaded: LoadedSpec } | { ok: false; problems: SpecProblem[] };

export function parseSpec(text: string, file: string): SpecLoad {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0)
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        file,
        line: lineCounter.linePos(e.pos[0]).line,
        message: `YAML: ${e.message.split('\n')[0]}`,
      })),
    };
  const lineOf = (path: ReadonlyArray<PropertyKey>): number => {
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return 0;
  };
  const parsed = specSchema.safeParse(doc.toJS());
  if (!parsed.success)
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => ({
        file,
        line: lineOf(i.path),
        message: i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message,
      })),
    };
  return {
    ok: true,
    loaded: { file, spec: parsed.data, stepLines: parsed.data.steps.map((_, i) => lineOf(['steps', i])) },
  };
}

export function loadSpecFile(path: string, name = path): SpecLoad {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return {
      ok: false,
      problems: [{ file: name, line: 0, message: `cannot read (${(error as Error).message})` }],
    };
  }
  return parseSpec(text, name);
}
