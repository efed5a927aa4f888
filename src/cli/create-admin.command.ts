// `switchboard create-admin`: the first admin account (admins then create agents in the console or the API).
// The password comes from --password-stdin (nothing in shell history or `ps`) or, for scripts, --password.
import { parseArgs } from 'node:util';
import { parseEnv } from '../config/env.ts';
import { createOperatorDirectory } from '../server/auth.operators.ts';
import { passwordProblem } from '../server/auth.password.ts';
import { openDatabase } from '../storage/database.ts';
import { createOperatorsRepository } from '../storage/operators.repository.ts';
import { runningServer } from './local-admin.client.ts';

export const CREATE_ADMIN_USAGE = `usage: switchboard create-admin --email EMAIL [--name NAME] (--password-stdin | --password PASSWORD)

Creates an admin operator account in the configured database (DATABASE_URL, or the embedded one in DATA_DIR).
  --email            the admin's e-mail (their login)
  --name             display name shown to colleagues (default: the part of the e-mail before @)
  --password-stdin   read the password from standard input (recommended)
  --password         the password on the command line (ends up in shell history)
Passwords need at least 10 characters.`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function fail(message: string, code = 2) {
  process.stderr.write(`${message}\n`);
  process.exitCode = code;
}

export async function createAdminCommand(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${CREATE_ADMIN_USAGE}\n`);
    return;
  }
  let values: { email?: string; name?: string; password?: string; 'password-stdin'?: boolean };
  try {
    values = parseArgs({
      args,
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        password: { type: 'string' },
        'password-stdin': { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}\n\n${CREATE_ADMIN_USAGE}`);
  }
  const email = values.email?.trim();
  if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) return fail(`--email is required\n\n${CREATE_ADMIN_USAGE}`);
  if (values.password !== undefined && values['password-stdin'])
    return fail('use either --password or --password-stdin, not both');
  const password = values['password-stdin'] ? await readStdin() : values.password;
  if (password === undefined) return fail(`a password is required\n\n${CREATE_ADMIN_USAGE}`);
  const problem = passwordProblem(password);
  if (problem) return fail(problem);

  const config = parseEnv();
  const displayName = values.name?.trim() || email.split('@')[0] || email;
  // The server holds the embedded database while it runs: it creates the account (usable at once).
  const server = runningServer(config);
  if (server) {
    const res = await server.request('/create-admin', {
      method: 'POST',
      body: { email, displayName, password },
    });
    const body = (await res.json().catch(() => ({}))) as {
      operator?: { email: string; id: string };
      message?: string;
    };
    if (res.status === 409) return fail(`an operator with the e-mail ${email} already exists`, 1);
    if (res.status !== 201 || !body.operator)
      return fail(`the server (pid ${server.pid}) refused: ${body.message ?? `HTTP ${res.status}`}`, 1);
    process.stdout.write(
      `admin created by the running server (pid ${server.pid}): ${body.operator.email} (id ${body.operator.id}). Log in at /console.\n`,
    );
    return;
  }
  const database = await openDatabase({
    databaseUrl: config.storage.databaseUrl,
    dataDir: config.storage.dataDir,
    owner: 'create-admin',
  });
  try {
    const directory = createOperatorDirectory(createOperatorsRepository(database.db), {
      tokenTtlSeconds: config.operators.tokenTtlSeconds,
      now: () => new Date(),
    });
    const created = await directory.create({
      email,
      password,
      role: 'admin',
      displayName,
    });
    if (created.outcome === 'email_taken')
      return fail(`an operator with the e-mail ${email} already exists`, 1);
    process.stdout.write(
      `admin created: ${created.operator.email} (id ${created.operator.id}). Log in at /console.\n`,
    );
  } finally {
    await database.close();
  }
}
