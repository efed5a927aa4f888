import { francAll } from 'franc-min';
import { readFileSync } from 'node:fs';
const en = readFileSync('corpus/bitext/utterances.jsonl','utf8').split('\n').filter(Boolean).map(l=>JSON.parse(l).text);
const es = ['no funciona, sigue rechazada','ahora sí funciona, gracias','quiero hablar con una persona','mi pedido no ha llegado','gracias','no puedo iniciar sesión','el pago fue rechazado','me cobraron dos veces','necesito ayuda','quiero un reembolso','operador','ayuda por favor','la app se cierra sola','hola buenas','dónde está mi paquete','no me llega el código','sigue igual','ya está, gracias','pásame con un agente','mi tarjeta fue rechazada'];
for (const margin of [1, 0.95, 0.9, 0.85, 0.8]) {
  let enWrong = 0, esRight = 0; const bad=[];
  const pick = (t) => { const r = francAll(t, { only: ['eng','spa'], minLength: 1 }); const [a,b]=r; if (!a || a[0]==='und') return 'und'; if (b && b[1] > margin) return 'und'; return a[0]; };
  for (const t of en) if (pick(t)==='spa') { enWrong++; bad.push(t); }
  for (const t of es) if (pick(t)==='spa') esRight++;
  console.log(margin, 'en→spa', enWrong, '/', en.length, 'es right', esRight, '/', es.length, bad.slice(0,5));
}
console.log(francAll('gracias',{only:['eng','spa'],minLength:1}), francAll('operador',{only:['eng','spa'],minLength:1}));
