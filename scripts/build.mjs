// `npm run build` (and `prepare`, so `npm install` builds): the server and CLI bundled by esbuild into
// dist/ (ES modules; npm packages stay imports of node_modules), then the browser bundles into
// dist/client/ with the options the server's source declares. A stamp records what was built from, so
// bin/switchboard.mjs can tell a stale build. Imported by bin/switchboard.mjs too (rebuild when stale).
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const DIST = join(ROOT, 'dist');
export const STAMP = join(DIST, '.built');

export async function build() {
  const esbuild = await import('esbuild');
  try {
    await buildWith(esbuild);
  } finally {
    // esbuild's service is a child process: left running, it would stay a child of the server that
    // bin/switchboard.mjs starts after a rebuild (an extra process under `npm start`, and one more to
    // outlive a killed server).
    await esbuild.stop();
  }
}

async function buildWith(esbuild) {
  // Built from scratch beside dist/ (chunk names carry content hashes, so old ones would pile up), then
  // swapped in, so a process starting meanwhile finds the old build or the new one, never half of one.
  const out = `${DIST}.tmp-${process.pid}`;
  rmSync(out, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { cli: 'src/cli/main.ts', 'client-build': 'src/server/client.bundle.ts' },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    chunkNames: 'chunks/[name]-[hash]',
    define: { 'process.env.SWITCHBOARD_BUILT': '"true"' },
    logLevel: 'warning',
  });
  const { CLIENT_BUNDLES, clientBuildOptions } = await import(
    pathToFileURL(join(out, 'client-build.js')).href
  );
  mkdirSync(join(out, 'client'), { recursive: true });
  await Promise.all(
    CLIENT_BUNDLES.map((name) =>
      esbuild.build({ ...clientBuildOptions(name), outfile: join(out, 'client', `${name}.js`) }),
    ),
  );
  writeFileSync(join(out, '.built'), `${new Date().toISOString()}\n`);
  const old = `${DIST}.old-${process.pid}`;
  if (existsSync(DIST)) renameSync(DIST, old);
  renameSync(out, DIST);
  rmSync(old, { recursive: true, force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  try {
    await import('esbuild');
  } catch {
    // A production install (`npm ci --omit=dev`) has no esbuild: keep the dist/ that came with it.
    process.stderr.write('switchboard build: esbuild is not installed (production install); keeping dist/\n');
    process.exit(0);
  }
  await build();
  process.stdout.write(`switchboard built into dist/ in ${Math.round(performance.now() - started)} ms\n`);
}
