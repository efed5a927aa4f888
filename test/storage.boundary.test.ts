// Risk covered: database and Redis access creeping back into routes, handlers and views. Only src/storage
// may import the database drivers, Drizzle or Redis, and the rest of src may take from the schema only its
// constant lists (statuses, roles), never a table to query.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const STORAGE_ONLY = /^(drizzle-orm(\/.*)?|pg|@electric-sql\/pglite(\/.*)?|redis|@redis\/.*)$/;
const CONSTANT = /^[A-Z][A-Z0-9_]*$/;

interface Import {
  file: string;
  names: string[];
  typeOnly: boolean;
  from: string;
}

function importsOutsideStorage(): Import[] {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.startsWith('storage/'))
    .map((f) => join(SRC, f));
  return files.flatMap((file) =>
    [
      ...readFileSync(file, 'utf8').matchAll(
        /^(?:import|export)\s+(type\s+)?([^'";]*?)\s*from\s*'([^']+)'/gm,
      ),
    ].map((m) => ({
      file: relative(SRC, file),
      typeOnly: Boolean(m[1]),
      names: (m[2] ?? '')
        .replace(/[{}]/g, '')
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n && !n.startsWith('type ')),
      from: m[3] ?? '',
    })),
  );
}

describe('only src/storage talks to the database and Redis', () => {
  const imports = importsOutsideStorage();

  it('sees the imports it checks (the scan itself works)', () => {
    expect(imports.length).toBeGreaterThan(500);
    expect(imports.some((i) => i.from.endsWith('storage/schema/index.ts'))).toBe(true);
  });

  it('no driver, Drizzle or Redis import outside src/storage', () => {
    expect(imports.filter((i) => STORAGE_ONLY.test(i.from)).map((i) => `${i.file}: ${i.from}`)).toEqual([]);
  });

  it('from the schema only constant lists, never a table', () => {
    const tables = imports
      .filter((i) => i.from.endsWith('storage/schema/index.ts') && !i.typeOnly)
      .flatMap((i) => i.names.filter((n) => !CONSTANT.test(n)).map((n) => `${i.file}: ${n}`));
    expect(tables).toEqual([]);
  });
});
