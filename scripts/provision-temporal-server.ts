/**
 * `npm run tools:temporal-server`: builds the pinned Temporal server and temporal-sql-tool into
 * .tools/temporal-server (once per machine; skipped when its stamp names the pinned version), or
 * checks the existing ones TEMPORAL_SERVER_BIN / TEMPORAL_SQL_TOOL_BIN / TEMPORAL_SCHEMA_DIR name,
 * and prints their paths. Exit 2 when Go is missing or the build fails.
 */
import { MissingServerError, findTemporalServer, provisionTemporalServer } from '../embedded/temporal-server-binaries';

try {
  const external = Boolean(
    process.env.TEMPORAL_SERVER_BIN || process.env.TEMPORAL_SQL_TOOL_BIN || process.env.TEMPORAL_SCHEMA_DIR,
  );
  if (!external && !provisionTemporalServer()) console.log('already built (stamp current): nothing to do');
  const found = findTemporalServer();
  console.log(`temporal server:       ${found.server}`);
  console.log(`temporal-sql-tool:     ${found.sqlTool}`);
  console.log(`PostgreSQL schemas:    ${found.schemaDir}`);
} catch (err) {
  if (err instanceof MissingServerError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
