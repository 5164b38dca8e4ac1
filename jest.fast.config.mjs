/**
 * The fast tier (`npm run test:fast`): the task workflow against in-memory activities on the
 * time-skipping test server, no PostgreSQL, SMTP or dev server. The same files also run in the
 * full suite (jest.config.js), where its global setup provides the bundle and the server.
 */
import base from './jest.config.js';

export default {
  ...base,
  roots: ['<rootDir>/test/workflow/fast'],
  globalSetup: '<rootDir>/test/workflow/fast/fast-setup.mjs',
  globalTeardown: '<rootDir>/test/workflow/fast/fast-teardown.mjs',
  testTimeout: 60000,
};
