// Runs the EffectLog contract on every backend: the Postgres outbox on PGlite and on the real Postgres,
// and Redis Streams on the real Redis.
import { backends } from './backends.ts';
import { effectLogContract } from './effect-log.contract.ts';

for (const backend of backends) effectLogContract(backend);
