/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // esbuild strips the types, one file at a time (the type check is tsc's, in npm test's checks lane).
  transform: { '^.+\\.tsx?$': '<rootDir>/test/support/esbuild-transform.mjs' },
  // Real PostgreSQL and a real Temporal dev server, started once for the whole run (by
  // test/support/run-tests.mjs when `npm test` runs it, which runs most suites in parallel workers
  // and the few that must run alone after them).
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  // Each worker's own log and e-mail URL files, read together by the teardown.
  setupFiles: ['<rootDir>/test/support/per-worker-files.ts'],
  testTimeout: 120000,
  // `npx jest <files>` runs them one at a time, as `npm test` runs test/faults, test/stack and test/cluster.
  maxWorkers: 1,
  verbose: true,
};
