// `switchboard` command: serve (default), migrate. Further commands (replay, traces, coverage) register here.
import { ConfigError, parseEnv } from '../config/env.ts';
import { startLocalAdmin } from '../server/local-admin.ts';
import { openDatabase } from '../storage/database.ts';
import { createAdminCommand } from './create-admin.command.ts';
import { QA_USAGE, qaCommands } from './qa.commands.ts';
import { describeStartupFailure } from './startup.errors.ts';

const USAGE = `usage: switchboard <command>

commands:
  serve      start the HTTP server (widget at /, console at /console)
  migrate    apply database migrations and exit
  create-admin  create an admin operator account (create-admin --help)
${QA_USAGE}`;

async function serve() {
  const config = parseEnv();
  failureContext = {
    databaseUrl: config.storage.databaseUrl,
    host: config.server.host,
    port: config.server.port,
  };
  // Loaded here, not at the top: the other commands (replay, coverage …) start fast without the server.
  const { createRuntime } = await import('../server/runtime.ts');
  const runtime = await createRuntime(config);
  const { url } = await runtime.listen().catch(async (error: unknown) => {
    await runtime.close().catch(() => {});
    throw error;
  });
  // On the embedded database the server is its only owner: CLI commands reach it through this door.
  const localAdmin =
    runtime.database.kind === 'pglite'
      ? await startLocalAdmin({
          dataDir: config.storage.dataDir,
          directory: runtime.operators.directory,
          store: runtime.store,
          logger: runtime.logger.child({ component: 'local-admin' }),
        })
      : null;
  runtime.logger.info({ url }, `Switchboard is listening on ${url}`);
  process.stdout.write(
    `\n  Switchboard chat:    ${url}/\n  Operator console:    ${url}/console\n  API (OpenAPI):       ${url}/api/v1/openapi.json\n\n`,
  );
  let stopping = 0;
  const stop = async (signal: string) => {
    // `npm start` forwards a terminal's Ctrl-C, which the terminal also sends to this process group: a
    // repeat within a second is that same press, not a second one.
    if (stopping && Date.now() - stopping < 1000) return;
    if (stopping) {
      runtime.logger.warn({ signal }, 'second signal: exiting without waiting for in-flight turns');
      process.exit(1);
    }
    stopping = Date.now();
    runtime.logger.info({ signal }, 'shutting down: finishing in-flight turns');
    // The runtime cuts requests after the grace period; this only guards against a store that never closes.
    setTimeout(() => {
      runtime.logger.error('shutdown did not finish in time: exiting');
      process.exit(1);
    }, config.ops.shutdownGraceMs + 15_000).unref();
    await localAdmin?.close();
    await runtime.close();
    runtime.logger.info('shut down cleanly');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

async function migrate() {
  const config = parseEnv();
  const database = await openDatabase({
    databaseUrl: config.storage.databaseUrl,
    dataDir: config.storage.dataDir,
    owner: 'migrate',
  });
  await database.close();
  process.stdout.write(`migrations applied (${database.kind})\n`);
}

const commands: Record<string, (args: string[]) => Promise<void>> = {
  serve,
  migrate,
  'create-admin': createAdminCommand,
  ...qaCommands,
};

async function main(argv: string[]) {
  const [name = 'serve', ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`unknown command "${name}"\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  await command(args);
}

let failureContext: Parameters<typeof describeStartupFailure>[1] = {};

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
  const line = describeStartupFailure(error, failureContext);
  if (line) {
    process.stderr.write(`switchboard: ${line}\n`);
    process.exit(1);
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
