// Contacts from a CSV file (csv-parse): a header row naming the columns — email, phone, name, tier,
// lifetime_value, tags (separated by ";") and any `field:<name>` custom field — and one person per row,
// each with an e-mail or a phone. Every problem names its line and column, and nothing is imported
// while one row is wrong.
import { CsvError, parse } from 'csv-parse/sync';
import { normalizeIdentity } from './contact.identity.ts';
import type { ImportRow } from './contact.linker.ts';
import type { ContactIdentity } from './contact.types.ts';

export const CSV_COLUMNS = ['email', 'phone', 'name', 'tier', 'lifetime_value', 'tags'] as const;
export const MAX_IMPORT_ROWS = 5000;

export interface CsvProblem {
  line: number | null;
  column: string | null;
  message: string;
}

export type CsvImport = { ok: true; rows: ImportRow[] } | { ok: false; problem: CsvProblem };

const TIER = /^[a-z0-9_-]{1,32}$/;

const fail = (line: number | null, column: string | null, message: string): CsvImport => ({
  ok: false,
  problem: { line, column, message },
});

export function parseContactsCsv(text: string): CsvImport {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: false });
  } catch (error) {
    if (error instanceof CsvError)
      return fail(
        typeof error.lines === 'number' ? error.lines : null,
        null,
        `the file is not valid CSV: ${error.message}`,
      );
    throw error;
  }
  const [header, ...body] = records;
  if (!header)
    return fail(
      null,
      null,
      'the file is empty: send a header row (email, phone, name, tier, lifetime_value, tags) and one row per contact',
    );
  const columns = header.map((h) => h.trim().toLowerCase());
  for (const column of columns) {
    if (!(CSV_COLUMNS as readonly string[]).includes(column) && !/^field:[a-z0-9_]{1,64}$/.test(column))
      return fail(
        1,
        column,
        `unknown column "${column}": use ${CSV_COLUMNS.join(', ')} or field:<name> for a custom field`,
      );
  }
  if (!columns.includes('email') && !columns.includes('phone'))
    return fail(1, null, 'the header needs an email or a phone column: that is how a contact is recognised');
  if (body.length === 0) return fail(null, null, 'the file has a header but no contacts');
  if (body.length > MAX_IMPORT_ROWS)
    return fail(
      null,
      null,
      `at most ${MAX_IMPORT_ROWS} contacts per import (this file has ${body.length}): split it`,
    );
  const rows: ImportRow[] = [];
  for (const [index, record] of body.entries()) {
    const line = index + 2;
    const cell = (column: string) => record[columns.indexOf(column)]?.trim() ?? '';
    const identities: ContactIdentity[] = [];
    for (const kind of ['email', 'phone'] as const) {
      const value = columns.includes(kind) ? cell(kind) : '';
      if (!value) continue;
      const normalized = normalizeIdentity(kind, value);
      if (!normalized.ok) return fail(line, kind, normalized.problem);
      identities.push(normalized.identity);
    }
    if (identities.length === 0) return fail(line, null, 'each row needs an email or a phone');
    const row: ImportRow = { identities };
    const name = cell('name');
    if (name) {
      if (name.length > 200) return fail(line, 'name', 'a name is at most 200 characters');
      row.name = name;
    }
    const tier = cell('tier').toLowerCase();
    if (tier) {
      if (!TIER.test(tier))
        return fail(
          line,
          'tier',
          `"${tier}" is not a tier: 1-32 letters, digits, _ or - (like vip, standard)`,
        );
      row.tier = tier;
    }
    const value = cell('lifetime_value');
    if (value) {
      const amount = Number(value);
      if (!/^\d+(\.\d{1,2})?$/.test(value) || !Number.isFinite(amount) || amount > 1e12)
        return fail(
          line,
          'lifetime_value',
          `"${value}" is not an amount: digits with up to two decimals, a dot as separator (like 1250.50)`,
        );
      row.lifetimeValue = amount;
    }
    const tags = cell('tags');
    if (tags)
      row.tags = tags
        .split(';')
        .map((t) => t.trim())
        .filter((t) => t.length > 0)
        .slice(0, 50);
    const fields: Record<string, string> = {};
    for (const column of columns)
      if (column.startsWith('field:') && cell(column)) fields[column.slice(6)] = cell(column);
    if (Object.keys(fields).length > 0) row.customFields = fields;
    rows.push(row);
  }
  return { ok: true, rows };
}
