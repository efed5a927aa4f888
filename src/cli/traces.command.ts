// `switchboard traces export <sessionId>`: a session's trace from the database as JSON Lines.
// `switchboard traces record <specs…> --out dir`: runs specs through the engine and writes their traces as
// golden files, printing for each file whether it is new, unchanged, or which steps changed.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseEnv } from '../config/env.ts';
import { diffTraces } from '../engine/replay.ts';
import { displayName, readTraceFile } from '../engine/trace.files.ts';
import { parseTrace, serializeTrace } from '../engine/trace.format.ts';
import { behaviourEnv } from '../qa/behaviour.env.ts';
import { changeText } from '../qa/replay.report.ts';
import { loadSpecFile } from '../qa/spec.load.ts';
import { failureText } from '../qa/spec.report.ts';
import { findSpecFiles, runSpecFiles } from '../qa/spec.suite.ts';
import { openDatabase } from '../storage/database.ts';
import { createPgSessionStore } from '../storage/pg-session.store.ts';
import { diffStyle, UsageError, writeOutput } from './cli.io.ts';
import { runningServer } from './local-admin.client.ts';

export const TRACES_USAGE = `usage: switchboard traces export <sessionId> [--out file.jsonl]
       switchboard traces record [specs/ | spec.yaml …] --out test/fixtures/traces/

export   writes a session's trace (one JSON line per turn, format in docs/traces.md) from the database
         configured by DATABASE_URL / DATA_DIR, to stdout or --out
record   runs the specs through the engine (temporary database, no LLM) and writes one golden trace per
         spec to --out, printing what changed against the files already there. Specs that set env: are
         skipped (replay uses this environment's configuration), failing specs are not recorded.`;

async function exportTrace(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string' } },
  });
  const [sessionId, ...extra] = positionals;
  if (!sessionId || extra.length > 0) throw new UsageError('traces export takes exactly one session id');
  const config = parseEnv();
  const server = runningServer(config);
  if (server) {
    const res = await server.request(`/traces/${encodeURIComponent(sessionId)}`);
    if (res.status === 404) {
      process.stderr.write(
        `no trace for session ${sessionId} (asked the running server, pid ${server.pid})\n`,
      );
      return 1;
    }
    if (!res.ok) throw new Error(`the server (pid ${server.pid}) answered HTTP ${res.status}`);
    writeOutput(await res.text(), values.out);
    return 0;
  }
  const database = await openDatabase({
    databaseUrl: config.storage.databaseUrl,
    dataDir: config.storage.dataDir,
    owner: 'traces export',
  });
  try {
    const store = createPgSessionStore(database.db, { sessionTtlSeconds: config.storage.sessionTtlSeconds });
    const entries = await store.trace(sessionId);
    if (entries.length === 0) {
      process.stderr.write(`no trace for session ${sessionId} in the ${database.kind} database\n`);
      return 1;
    }
    writeOutput(serializeTrace(entries), values.out);
    return 0;
  } finally {
    await database.close();
  }
}

async function recordTraces(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string' } },
  });
  if (!values.out) throw new UsageError('traces record needs --out <directory>');
  const outDir = values.out;
  const files = findSpecFiles(positionals.length ? positionals : ['specs']);
  if (files.length === 0) throw new UsageError('no spec files (.yaml) found');
  const style = diffStyle(false);
  const recordable = files.filter((file) => {
    const load = loadSpecFile(file, displayName(file));
    if (load.ok && load.loaded.spec.env) {
      process.stdout.write(
        `- ${displayName(file)}  skipped: it sets env (${Object.keys(load.loaded.spec.env).join(', ')})\n`,
      );
      return false;
    }
    return true;
  });
  const outcomes = await runSpecFiles(recordable, behaviourEnv(process.env));
  mkdirSync(outDir, { recursive: true });
  let problems = 0;
  let written = 0;
  for (const outcome of outcomes) {
    if (outcome.kind === 'unreadable') {
      problems++;
      process.stdout.write(`! ${outcome.file}  unreadable\n`);
      for (const p of outcome.problems) process.stdout.write(`    ${p.file}:${p.line}: ${p.message}\n`);
      continue;
    }
    const r = outcome.result;
    if (r.failure) {
      problems++;
      process.stdout.write(`✗ ${r.file}  not recorded: the spec fails\n${failureText(r).join('\n')}\n`);
      continue;
    }
    const target = join(outDir, `${basename(r.file).replace(/\.ya?ml$/i, '')}.jsonl`);
    const fresh = parseTrace(serializeTrace(r.trace), target);
    if (!fresh.ok)
      throw new Error(`the engine wrote a trace this build cannot read: ${JSON.stringify(fresh.problems)}`);
    if (!existsSync(target)) {
      process.stdout.write(`+ ${target}  new (${r.trace.length} steps)\n`);
    } else {
      const old = readTraceFile(target);
      if (old.ok)
        process.stdout.write(changeText(target, diffTraces(old.trace.entries, fresh.trace.entries), style));
      else process.stdout.write(`~ ${target}  replaced an unreadable file\n`);
    }
    writeFileSync(target, serializeTrace(r.trace));
    written++;
  }
  process.stdout.write(
    `\n${written} golden trace${written === 1 ? '' : 's'} written to ${outDir}${problems ? `, ${problems} spec(s) not recorded` : ''}\n`,
  );
  return problems > 0 ? 1 : 0;
}

export async function tracesCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'export') return exportTrace(rest);
  if (sub === 'record') return recordTraces(rest);
  throw new UsageError(sub ? `unknown traces command "${sub}"` : 'traces needs a command: export or record');
}
