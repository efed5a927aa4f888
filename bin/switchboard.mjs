#!/usr/bin/env node
// The `switchboard` command (and `npm start`): runs the compiled dist/cli.js in this same process, so
// signals reach the server directly. In a development checkout (esbuild installed) a missing or stale
// dist/ is rebuilt first (about a second); a production install keeps the dist/ it was built with.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, DIST, ROOT, STAMP } from '../scripts/build.mjs';

/** Newest modification time under the build's inputs (sources, lockfile); 0 when there are none. */
function newestInput() {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  if (existsSync(join(ROOT, 'src'))) visit(join(ROOT, 'src'));
  for (const file of ['package.json', 'scripts/build.mjs'])
    if (existsSync(join(ROOT, file))) newest = Math.max(newest, statSync(join(ROOT, file)).mtimeMs);
  return newest;
}

const built = existsSync(STAMP) && existsSync(join(DIST, 'cli.js'));
if (!built || statSync(STAMP).mtimeMs < newestInput()) {
  let esbuildInstalled = true;
  try {
    await import('esbuild');
  } catch {
    esbuildInstalled = false;
  }
  if (esbuildInstalled) {
    process.stderr.write(
      built ? 'switchboard: sources changed, rebuilding dist/\n' : 'switchboard: building dist/\n',
    );
    await build();
  } else if (!built) {
    process.stderr.write(
      'switchboard: dist/ is missing and esbuild is not installed: run `npm install` (it builds)\n',
    );
    process.exit(1);
  }
}
await import(pathToFileURL(join(DIST, 'cli.js')).href);
