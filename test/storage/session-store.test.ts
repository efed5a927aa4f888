// Runs the SessionStore contract on every backend: PGlite always, the real Postgres and the real Redis
// when their URLs are set (always in CI).
import { backends } from './backends.ts';
import { sessionStoreContract } from './session-store.contract.ts';

for (const backend of backends) sessionStoreContract(backend);
