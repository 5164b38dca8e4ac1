/**
 * A PostgreSQL server in its own process, for fault tests that stop and restart the database:
 * `tsx test/support/postgres-process.ts <dataDir> <port>` prints {"url": ...} when ready and stops
 * the server on SIGTERM. Started again with the same folder and port, it serves the same data.
 */
import { startEmbeddedPostgres } from '../../embedded/embedded-postgres';

const [dataDir, port] = process.argv.slice(2);
startEmbeddedPostgres({ dataDir: dataDir as string, port: Number(port) }).then(
  (pg) => {
    const stop = () => void pg.stop().finally(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.stdin.on('end', stop);
    process.stdin.resume();
    process.stdout.write(`${JSON.stringify({ url: pg.url })}\n`);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
