import { loadTrainingMaterial } from './src/detection/intent.corpus.ts';
import { loadIntentModel } from './src/detection/intent.model.ts';
const t0 = performance.now(); const m = loadIntentModel(); console.log('load ms', performance.now() - t0);
const val = loadTrainingMaterial().filter(e => e.slice === 'validation');
const stats: Record<string, {tp:number, fp:number, fn:number}> = {};
const s = (l: string) => (stats[l] ??= {tp:0,fp:0,fn:0});
let ok=0; const wrong: string[] = [];
for (const th of [0, 0.5, 0.7, 0.8]) {
  let dec=0, right=0;
  for (const e of val) { const b = m.best(e.text); if (b.probability >= th) { dec++; if (b.label===e.label) right++; } }
  console.log('th', th, 'decided', dec, '/', val.length, 'acc', (right/dec).toFixed(3));
}
for (const e of val) { const b = m.best(e.text); if (b.label === e.label) { s(e.label).tp++; ok++; } else { s(e.label).fn++; s(b.label).fp++; wrong.push(`${e.label} → ${b.label} ${b.probability.toFixed(2)}: ${e.text}`);} }
for (const [l, v] of Object.entries(stats)) console.log(l.padEnd(24), 'P', (v.tp/(v.tp+v.fp)).toFixed(3), 'R', (v.tp/(v.tp+v.fn)).toFixed(3), v.tp+v.fn);
console.log(ok/val.length); console.log(wrong.slice(0,60).join('\n'));
const texts = val.map(e=>e.text); let t1=performance.now(); for (let i=0;i<20000;i++) m.best(texts[i%texts.length]); console.log('us/msg', (performance.now()-t1)/20);
