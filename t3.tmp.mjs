import { eld } from 'eld/extrasmall';
import { readFileSync } from 'node:fs';
eld.setLanguageSubset(['en','es']);
const en = readFileSync('corpus/bitext/utterances.jsonl','utf8').split('\n').filter(Boolean).map(l=>JSON.parse(l).text);
const es = ['no funciona, sigue rechazada','ahora sí funciona, gracias','quiero hablar con una persona','mi pedido no ha llegado','gracias','no puedo iniciar sesión','el pago fue rechazado','me cobraron dos veces','necesito ayuda','quiero un reembolso','operador','ayuda por favor','la app se cierra sola','hola buenas','dónde está mi paquete','no me llega el código','sigue igual','ya está, gracias','pásame con un agente','mi tarjeta fue rechazada'];
let w=0; const bad=[]; for (const t of en) { const r=eld.detect(t); if (r.language==='es' && r.isReliable()) {w++; bad.push(t);} }
let ok=0; for (const t of es) { const r=eld.detect(t); if (r.language==='es' && r.isReliable()) ok++; }
console.log('eld en→es', w, 'es ok', ok, bad.slice(0,8));
