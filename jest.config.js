/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': [
      'ts-jest',
      {
        tsconfig: {
          isolatedModules: true,
          module: 'commonjs',
          moduleResolution: 'node',
          verbatimModuleSyntax: false,
          resolveJsonModule: true,
          esModuleInterop: true,
          jsx: 'react-jsx',
          jsxImportSource: 'preact',
        },
      },
    ],
  },
  // Real PostgreSQL and a real Temporal dev server, started once for the whole run.
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  testTimeout: 120000,
  maxWorkers: 1,
  verbose: true,
};
