/**
 * `npm start`: the embedded default on one machine. Brings up PostgreSQL, the Temporal dev server,
 * the worker and the API, seeds the catalog on first run, prints where everything is, and shuts it
 * all down on Ctrl-C (SIGINT) or SIGTERM.
 */
import { config } from '../config/env';
import { startStack } from '../stack/stack';

function main(): void {
  const cfg = config();
  const t0 = Date.now();
  const starting = startStack(cfg, { log: (line) => console.log(line) });
  let stopping = false;

  const shutdown = async (signal: string) => {
    if (stopping) {
      console.log(`${signal} again: exiting now`);
      process.exit(130);
    }
    stopping = true;
    console.log(`${signal}: shutting down (API, worker, Temporal, PostgreSQL) ...`);
    // A signal during start-up waits for start-up to finish, so nothing it started is left behind.
    const stack = await starting.catch(() => undefined);
    await stack?.stop();
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  starting.then(
    (stack) => {
      if (stopping) return;
      console.log(
        [
          '',
          `Delegated-tasks tracker is up (${((Date.now() - t0) / 1000).toFixed(1)} s).`,
          `  Pages:           ${stack.apiUrl}/   (sign in at ${stack.apiUrl}/sign-in with a token from the file below,`,
          `                   or with a focal point's e-mail: the link arrives in the outbox below)`,
          `  API:             ${stack.apiUrl}/api/tasks   (docs ${stack.apiUrl}/docs, OpenAPI ${stack.apiUrl}/openapi.json)`,
          `  Health:          ${stack.apiUrl}/healthz, ${stack.apiUrl}/readyz`,
          `  Temporal UI:     ${stack.temporalUiUrl ?? '(external cluster)'}   gRPC ${stack.temporalAddress}`,
          `  Dev tokens:      ${stack.tokensFile ?? '(not created)'}`,
          `  Outbox (e-mail): ${cfg.SMTP_URL ? 'SMTP_URL' : `${cfg.dataDir}/outbox`}`,
          'Press Ctrl-C to stop.',
        ].join('\n'),
      );
    },
    (err: unknown) => {
      // Whatever failed is named (never a bare "undefined"), and the exit status says it failed.
      console.error(`npm start failed: ${err instanceof Error ? err.message : String(err ?? 'unknown error (no message)')}`);
      process.exit(1);
    },
  );
}

main();
