/**
 * `npm start`: the embedded default on one machine. Brings up PostgreSQL and the Temporal dev server,
 * runs the worker and the API as supervised child processes, seeds the catalog on first run, prints
 * where everything is, and shuts it all down on Ctrl-C (SIGINT to the process group), on SIGINT or
 * SIGTERM sent to this process alone, and when its parent goes away.
 *
 * package.json runs it as `exec node ...`: without `exec`, npm's signal reaches only the shell
 * npm started, which dies (SIGTERM) or ignores it (SIGINT) and leaves this process running.
 */
import { config } from '../config/env';
import { describeStartFailure } from '../stack/start-failure';
import { startSupervisedStack } from '../stack/supervised-stack';

function main(): void {
  const cfg = config();
  const t0 = Date.now();
  const starting = startSupervisedStack(cfg);
  let stopping = false;
  let stoppingSince = 0;

  const shutdown = async (reason: string) => {
    if (stopping) {
      // Ctrl-C reaches this process twice: from the terminal (the whole process group) and again
      // from npm, which forwards it. Only a second Ctrl-C a moment later means "exit now".
      if (Date.now() - stoppingSince < 2_000) return;
      console.log(`${reason} again: exiting now`);
      process.exit(130);
    }
    stopping = true;
    stoppingSince = Date.now();
    console.log(`${reason}: shutting down (API, worker, Temporal, PostgreSQL) ...`);
    // A signal during start-up waits for start-up to finish, so nothing it started is left behind.
    const stack = await starting.catch(() => undefined);
    await stack?.stop();
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // npm or a shell that dies without passing a signal on leaves this process orphaned: stop then too.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent && !stopping) void shutdown('parent exited');
  }, 1_000).unref();

  let settled = false;
  starting.then(
    (stack) => {
      settled = true;
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
          `  Processes:       supervisor ${process.pid}, api ${stack.pids.api}, worker ${stack.pids.worker}`,
          ...(stack.seeding
            ? [
                '  Seeding:         the catalog goes on in the background (the pages show how far); "seed: done" when in',
              ]
            : []),
          'Press Ctrl-C to stop.',
        ].join('\n'),
      );
    },
    (err: unknown) => {
      // Whatever failed is named (never a bare "undefined"), and the exit status says it failed.
      settled = true;
      console.error(`npm start failed: ${describeStartFailure(err)}`);
      process.exit(1);
    },
  );
  // Node ends a process whose event loop is empty with status 0, even with start-up still pending
  // (a promise nothing will settle) or with the API and worker gone: that is a failure, said as one.
  process.on('beforeExit', () => {
    if (stopping) return;
    console.error(
      settled
        ? 'npm start stopped: nothing is running any more (the API and the worker are gone); see the lines above.'
        : 'npm start failed: start-up stopped halfway with nothing left to wait for; see the lines above.',
    );
    process.exit(1);
  });
}

main();
