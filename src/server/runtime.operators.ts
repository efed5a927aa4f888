// Who the operators are and what waits for them: accounts and tokens, message authors' names, and the
// escalation queue (first-response SLA); the engine, the tools and the operator module share them.
import { createEscalationsRepository } from '../storage/escalations.repository.ts';
import { createOperatorsRepository } from '../storage/operators.repository.ts';
import { createOperatorDirectory } from './auth.operators.ts';
import { createMessageAuthors } from './message.authors.ts';
import { createEscalationQueue } from './operator.queue.ts';
import type { RuntimeContext } from './runtime.types.ts';

export type OperatorDirectory = ReturnType<typeof openOperatorDirectory>;

export function openOperatorDirectory({ config, database, now }: RuntimeContext) {
  const escalations = createEscalationsRepository(database.db);
  const operatorsRepository = createOperatorsRepository(database.db);
  const queue = createEscalationQueue(escalations, { sla: config.operators.firstResponseSla, now });
  const directory = createOperatorDirectory(operatorsRepository, {
    tokenTtlSeconds: config.operators.tokenTtlSeconds,
    now,
  });
  return { escalations, queue, directory, authors: createMessageAuthors(directory) };
}
