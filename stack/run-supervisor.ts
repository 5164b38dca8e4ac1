import { describeStartFailure } from './start-failure';
import type { SupervisedStack } from './supervised-stack';

/**
 * The life of a supervisor process (`npm start`, `npm run start:cluster`) around a stack being started:
 * prints `upLines` once it is up, exits 1 naming what failed when start-up fails, and shuts the stack
 * down in order on Ctrl-C (SIGINT to the process group), on SIGINT or SIGTERM sent to this process
 * alone, and when its parent goes away; exits 0 once everything it started has stopped. A signal
 * during start-up waits for start-up to finish, so nothing it started is left behind.
 */
export function runSupervisor(
  starting: Promise<SupervisedStack>,
  opts: {
    /** How the user started it, for the messages: `npm start`, `npm run start:cluster`. */
    command: string;
    /** What a shutdown stops, in order, for its message. */
    stops: string;
    /** What to print once the stack is up. */
    upLines: (stack: SupervisedStack) => string[];
  },
): void {
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
    console.log(`${reason}: shutting down (${opts.stops}) ...`);
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
      console.log(opts.upLines(stack).join('\n'));
    },
    (err: unknown) => {
      // Whatever failed is named (never a bare "undefined"), and the exit status says it failed.
      settled = true;
      console.error(`${opts.command} failed: ${describeStartFailure(err)}`);
      process.exit(1);
    },
  );
  // Node ends a process whose event loop is empty with status 0, even with start-up still pending
  // (a promise nothing will settle) or with the API and worker gone: that is a failure, said as one.
  process.on('beforeExit', () => {
    if (stopping) return;
    console.error(
      settled
        ? `${opts.command} stopped: nothing is running any more (the API and worker processes are gone); see the lines above.`
        : `${opts.command} failed: start-up stopped halfway with nothing left to wait for; see the lines above.`,
    );
    process.exit(1);
  });
}
