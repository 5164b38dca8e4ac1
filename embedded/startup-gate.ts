import readline from 'node:readline';

/** The variable that tells a child of `npm start` to wait for the rest of its environment on stdin. */
export const STARTUP_GATE = 'STARTUP_GATE';

/**
 * For the API and the worker as `npm start` runs them: the supervisor spawns them while PostgreSQL and
 * Temporal are still starting, so they load their code meanwhile (the largest part of their start),
 * and sends what only the started services can tell (addresses, the database role's URL, the session
 * secret) as one JSON line on stdin once they are up. Without STARTUP_GATE=stdin (`npm run api`,
 * `npm run worker`, a restart) it returns at once. When stdin ends without the line (the start
 * failed, the supervisor is gone), the process exits: there is nothing to serve.
 */
export async function startupGate(): Promise<void> {
  if (process.env[STARTUP_GATE] !== 'stdin') return;
  const input = readline.createInterface({ input: process.stdin });
  const line = await new Promise<string | null>((resolve) => {
    input.once('line', resolve);
    input.once('close', () => resolve(null));
  });
  input.close();
  if (line === null) process.exit(0);
  Object.assign(process.env, JSON.parse(line) as Record<string, string>);
  delete process.env[STARTUP_GATE];
}
