// Bundles the browser code (widget, console) with esbuild once per process, in memory: `npm start` needs
// no build step and the served script always matches the source.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const cache = new Map<string, Promise<string>>();

export function clientBundle(name: 'widget' | 'console' | 'analytics'): Promise<string> {
  let bundle = cache.get(name);
  if (!bundle) {
    bundle = build({
      entryPoints: [fileURLToPath(new URL(`./client/${name}.ts`, import.meta.url))],
      bundle: true,
      write: false,
      format: 'iife',
      target: 'es2020',
      minify: true,
      legalComments: 'none',
      // Stylesheets are imported as text and adopted at run time (a shadow root for the widget).
      loader: { '.css': 'text' },
    }).then((r) => r.outputFiles[0]?.text ?? '');
    cache.set(name, bundle);
  }
  return bundle;
}
