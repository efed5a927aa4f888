// Runs the TimerStore contract on every backend (Postgres `timers` table on PGlite and Postgres, Redis).
import { backends } from './backends.ts';
import { timerStoreContract } from './timer-store.contract.ts';

for (const backend of backends) timerStoreContract(backend);
