import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../config/env';
import { freePort } from '../embedded/ports';
import { startStack } from '../stack/stack';

type StackOptions = NonNullable<Parameters<typeof startStack>[1]>;

export interface FreshStack {
  cfg: Config;
  stack: Awaited<ReturnType<typeof startStack>>;
  /** The stack's data folder (a new temporary folder, removed by `stop`). */
  dataDir: string;
  /** The dev token of a principal (the stack writes one per principal). */
  tokenOf(principal: string): string;
  /**
   * The environment of `npm run api` against this stack, as deployed (one log line per request, the
   * page cache at its default), with the rate limits raised: a benchmark's load comes from one
   * address and one token; they are still counted.
   */
  apiEnv(): Record<string, string>;
  /** Stops the stack and removes its data. */
  stop(): Promise<void>;
}

/**
 * A fresh embedded stack for one benchmark run: a new data folder, free ports for everything it
 * listens on, this environment without an outside database or Temporal, request logs off, and
 * `env` on top; not seeded unless `opts.seed` says so (then the bundled catalog and the round's cells,
 * as `npm start` seeds them).
 */
export async function startFreshStack(
  prefix: string,
  env: Record<string, string> = {},
  opts: Omit<StackOptions, 'log'> = {},
): Promise<FreshStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (os.userInfo().uid === 0) fs.chmodSync(dataDir, 0o755);
  const outside = { ...process.env };
  delete outside.DATABASE_URL;
  delete outside.TEMPORAL_ADDRESS;
  const cfg = loadConfig({
    ...outside,
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    LOG_REQUESTS: 'false',
    ...env,
  });
  const stack = await startStack(cfg, { seed: false, ...opts, log: () => undefined });
  return {
    cfg,
    stack,
    dataDir,
    tokenOf(principal) {
      const tokens = JSON.parse(fs.readFileSync(stack.tokensFile as string, 'utf8')) as Record<string, string>;
      const token = tokens[principal];
      if (!token) throw new Error(`no dev token for ${principal}`);
      return token;
    },
    apiEnv() {
      return {
        DATABASE_URL: stack.databaseUrl,
        TEMPORAL_ADDRESS: stack.temporalAddress,
        TEMPORAL_NAMESPACE: cfg.TEMPORAL_NAMESPACE,
        TEMPORAL_TASK_QUEUE: cfg.TEMPORAL_TASK_QUEUE,
        DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        LOG_REQUESTS: 'true',
        RATE_LIMIT_PER_MINUTE: '100000000',
        RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000000',
        LIST_CACHE_SECONDS: String(cfg.LIST_CACHE_SECONDS),
      };
    },
    async stop() {
      await stack.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
