#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports */
/* global require, __dirname */
// The `kyc` command. Runs the TypeScript sources through tsx so the same code serves `npm run kyc` and the bin.
// Re-executes node with `--import tsx` (resolved from this package, not the caller's cwd): kyc.ts loads its
// commands with dynamic import(), which the CommonJS-only `require('tsx/cjs')` hook does not cover.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const root = path.join(__dirname, '..');
const tsxDir = path.dirname(require.resolve('tsx/package.json', { paths: [root] }));
const tsxLoader = pathToFileURL(path.join(tsxDir, 'dist', 'loader.mjs')).href;
const entry = path.join(root, 'src', 'cli', 'kyc.ts');
const result = spawnSync(process.execPath, ['--import', tsxLoader, entry, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
if (result.error) {
  console.error(result.error.message);
  process.exit(1);
}
process.exit(result.status ?? 1);
