// Where the project's files are (content, migrations, pages, prebuilt browser bundles), whether the code
// runs from src/ (tsx, tests) or from the esbuild bundle in dist/: the nearest directory up from this
// module that holds package.json. Paths relative to `import.meta.url` would differ between the two.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

export const projectPath = (...parts: string[]) => join(PROJECT_ROOT, ...parts);
