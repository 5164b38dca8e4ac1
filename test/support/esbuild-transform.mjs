// jest's transform for the TypeScript (and TSX) of the project and its tests: esbuild, one file at a
// time, to CommonJS. The type check is `tsc --noEmit` (npm test's checks lane), so the transform
// only strips types, as ts-jest's isolatedModules mode did, at a fraction of its CPU (a clean CI
// machine has no transform cache: every worker transforms every file it loads). tsconfig.json's
// options that change the emitted code are passed as they are there.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import esbuild from 'esbuild';

const tsconfig = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'tsconfig.json'), 'utf8'));
const { target, jsx, jsxImportSource, esModuleInterop } = tsconfig.compilerOptions;
const tsconfigRaw = {
  compilerOptions: { target, jsx, jsxImportSource, esModuleInterop, useDefineForClassFields: true },
};
const self = crypto
  .createHash('sha256')
  .update(fs.readFileSync(import.meta.filename))
  .update(JSON.stringify(tsconfigRaw))
  .update(esbuild.version)
  .digest('hex');

export default {
  getCacheKey(source, filename) {
    return crypto.createHash('sha256').update(self).update(filename).update('\0').update(source).digest('hex');
  },
  process(source, filename) {
    const { code, map } = esbuild.transformSync(source, {
      loader: filename.endsWith('.tsx') ? 'tsx' : 'ts',
      format: 'cjs',
      platform: 'node',
      target: 'node22',
      // jest runs CommonJS in its own module registry: import() becomes a require, as tsc's commonjs emit had it.
      supported: { 'dynamic-import': false },
      sourcemap: 'external',
      sourcefile: filename,
      tsconfigRaw,
    });
    return { code, map };
  },
};
