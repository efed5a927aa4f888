// Self time of a V8 CPU profile (`node --cpu-prof`) grouped by where the code lives, as % of busy samples:
//   node --import tsx bench/profile.summary.ts prof/CPU.…cpuprofile [--top=25]
// Groups: a package under node_modules, a folder of src/, node's own internals, GC, idle, program.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function groupOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(garbage collector)') return '(gc)';
  if (functionName === '(program)') return '(program)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  const src = /\/(src\/[^/]+|bench)\//.exec(url);
  if (src?.[1]) return src[1];
  if (url.startsWith('node:')) return url.replace(/^node:internal\//, 'node:').split('/')[0] ?? url;
  return url === '' ? `(native) ${functionName}` : url;
}

const [file, ...flags] = process.argv.slice(2);
if (!file) throw new Error('usage: profile.summary.ts <file.cpuprofile> [--top=N] [--functions]');
const top = Number(flags.find((f) => f.startsWith('--top='))?.slice(6) ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const groups = new Map<string, number>();
const functions = new Map<string, number>();
let total = 0;
let idle = 0;
profile.samples.forEach((id, i) => {
  const node = byId.get(id);
  const dt = profile.timeDeltas[i] ?? 0;
  if (!node) return;
  const group = groupOf(node);
  total += dt;
  if (group === '(idle)') {
    idle += dt;
    return;
  }
  groups.set(group, (groups.get(group) ?? 0) + dt);
  const fn = `${group} ${node.callFrame.functionName || '(anonymous)'}:${node.callFrame.lineNumber + 1}`;
  functions.set(fn, (functions.get(fn) ?? 0) + dt);
});
const busy = total - idle;
const pct = (x: number) => `${((100 * x) / busy).toFixed(1)} %`;
process.stdout.write(
  `idle ${((100 * idle) / total).toFixed(1)} % of wall, busy ${(busy / 1e3).toFixed(0)} ms\n`,
);
const table = flags.includes('--functions') ? functions : groups;
for (const [name, t] of [...table].sort((a, b) => b[1] - a[1]).slice(0, top))
  process.stdout.write(`${pct(t).padStart(7)}  ${name}\n`);
