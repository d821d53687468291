#!/usr/bin/env node
// Runs the test tiers with node:test. `npm test` runs every tier; `npm test -- unit` one tier.
// Tiers run one after another: integration and e2e tests share one Temporal dev server and one Postgres.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const allTiers = ['unit', 'replay', 'integration', 'e2e'];
const tiers = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected = tiers.length > 0 ? tiers : allTiers;

function findTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return findTests(p);
    return p.endsWith('.test.ts') ? [p] : [];
  });
}

const files = selected.flatMap((t) => findTests(join('test', t)).sort());
if (files.length === 0) {
  console.error(`no test files for tiers: ${selected.join(', ')}`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '1';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
