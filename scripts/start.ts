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
import { runSupervisor } from '../stack/run-supervisor';
import { startSupervisedStack } from '../stack/supervised-stack';

function main(): void {
  const cfg = config();
  const t0 = Date.now();
  runSupervisor(startSupervisedStack(cfg), {
    command: 'npm start',
    stops: 'API, worker, Temporal, PostgreSQL',
    upLines: (stack) => [
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
        ? ['  Seeding:         the catalog goes on in the background (the pages show how far); "seed: done" when in']
        : []),
      'Press Ctrl-C to stop.',
    ],
  });
}

main();
