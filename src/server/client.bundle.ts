// The browser code (widget, console, analytics), bundled by esbuild. `npm run build` writes each bundle
// into dist/client/ ahead of time and the built server serves those files; run from the sources (tsx,
// tests) the server bundles once per process in memory instead, so the served script always matches the
// source. esbuild is a dev dependency: it is loaded only on that source path.
import { readFile } from 'node:fs/promises';
import type { BuildOptions } from 'esbuild';
import { projectPath } from '../config/paths.ts';
import { type Route, route } from './route.table.ts';

export const CLIENT_BUNDLES = ['widget', 'console', 'analytics'] as const;
export type ClientBundleName = (typeof CLIENT_BUNDLES)[number];

/** The one set of esbuild options for a browser bundle, used by the build and by the in-memory path. */
export function clientBuildOptions(name: ClientBundleName): BuildOptions {
  return {
    entryPoints: [projectPath('src/server/client', `${name}.ts`)],
    bundle: true,
    format: 'iife',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    // Stylesheets are imported as text and adopted at run time (a shadow root for the widget).
    loader: { '.css': 'text' },
  };
}

/** Set by the build (esbuild `define`): this code is the dist/ bundle, so the prebuilt files belong to it. */
const BUILT = process.env.SWITCHBOARD_BUILT === 'true';

const cache = new Map<string, Promise<string>>();

export function clientBundle(name: ClientBundleName): Promise<string> {
  let bundle = cache.get(name);
  if (!bundle) {
    bundle = BUILT
      ? readFile(projectPath('dist/client', `${name}.js`), 'utf8')
      : import('esbuild').then(async ({ build }) => {
          const result = await build({ ...clientBuildOptions(name), write: false });
          return result.outputFiles[0]?.text ?? '';
        });
    cache.set(name, bundle);
  }
  return bundle;
}

/** GET /<name>.js: a bundle as a public route (the pages that load it are static files). */
export function clientScriptRoute(name: ClientBundleName, summary: string): Route {
  return route({
    method: 'get',
    path: `/${name}.js`,
    summary,
    tags: ['pages'],
    auth: 'none',
    responses: { '200': { description: 'The bundle', contentType: 'application/javascript' } },
    handler: async ({ res }) => {
      res
        .type('application/javascript')
        .set('Cache-Control', 'no-cache')
        .send(await clientBundle(name));
    },
  });
}
