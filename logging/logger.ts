import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * The process's logger: JSON lines (pino) on stdout, or on `destination` (tests capture lines).
 * Components take a child (`logger.child({ component: 'worker' })`) so each line says where it came from.
 */
export function createLogger(opts: { level: LogLevel; destination?: DestinationStream }): Logger {
  return pino({ level: opts.level, timestamp: pino.stdTimeFunctions.isoTime, base: { pid: process.pid } }, opts.destination);
}
