#!/usr/bin/env node
// The `kyc` command. Runs the TypeScript sources through tsx so the same code serves `npm run kyc` and the bin.
require('tsx/cjs');
require('../src/cli/kyc.ts')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
