import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Standard output, shared by every logger of the process so their lines keep one order. Written
 * without blocking: a line goes out at once when stdout is free, and lines logged while a write is
 * under way go out together in the next one (a busy API makes one write for many request lines, not
 * one each; BENCHMARKS.md). Pino flushes what is left synchronously when the process exits, also
 * after process.exit() or an uncaught exception; a SIGKILL can lose what was not yet written.
 */
let stdout: DestinationStream | undefined;

/**
 * The process's logger: JSON lines (pino) on stdout, or on `destination` (tests capture lines).
 * Components take a child (`logger.child({ component: 'worker' })`) so each line says where it came from.
 */
export function createLogger(opts: { level: LogLevel; destination?: DestinationStream }): Logger {
  const destination = opts.destination ?? (stdout ??= pino.destination({ dest: 1, sync: false }));
  return pino({ level: opts.level, timestamp: pino.stdTimeFunctions.isoTime, base: { pid: process.pid } }, destination);
}
