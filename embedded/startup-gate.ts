import readline from 'node:readline';
import { config, type Config } from '../config/env';
import { createLogger, type Logger } from '../logging/logger';

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

/**
 * How the API's and the worker's entry points run: their code is loaded by the time this is called;
 * once the gate has passed, `main` gets the configuration and a logger for `component`, and a failure
 * is logged ("<what> stopped") with exit status 1.
 */
export function runAfterGate(
  component: string,
  what: string,
  main: (cfg: Config, logger: Logger) => Promise<void>,
): void {
  void startupGate().then(() => {
    const cfg = config();
    const logger = createLogger({ level: cfg.LOG_LEVEL }).child({ component });
    return main(cfg, logger).catch((err: unknown) => {
      logger.fatal({ err }, `${what} stopped`);
      process.exit(1);
    });
  });
}
