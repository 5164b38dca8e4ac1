// jest's global teardown: checks the run's logs and e-mail links, then stops the services; when
// run-tests.mjs (npm test) owns them, it does both itself once its last jest phase is over.
import { checkRunFiles, stopRunServices } from './run-services.mjs';

export default async function globalTeardown() {
  if (process.env.TEST_SERVICES_OWNER === 'run-tests') return;
  try {
    checkRunFiles();
  } finally {
    await stopRunServices(globalThis.__TRACKER_SERVICES__);
  }
}
