// jest's global setup: starts the services the run's test files share (run-services.mjs), unless
// run-tests.mjs (npm test) started them already for both of its jest phases.
import { startRunServices } from './run-services.mjs';

export default async function globalSetup() {
  if (process.env.TEST_SERVICES_OWNER === 'run-tests') return;
  globalThis.__TRACKER_SERVICES__ = await startRunServices();
}
