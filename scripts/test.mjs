#!/usr/bin/env node
// Runs the test tiers with node:test. `npm test` runs every tier; `npm test -- unit` one tier;
// `npm test -- test/integration/workflow` a directory or file.
// Tiers run one after another: integration and e2e tests share one Temporal dev server and one Postgres.
// With TEMPORAL_ADDRESS unset, this script starts that dev server (in memory, free port), exports its address to
// the tests and always stops it; it also makes sure the test database exists before any test touches it.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { require as tsxRequire } from 'tsx/cjs/api';
import pg from 'pg';

const allTiers = ['unit', 'replay', 'integration', 'e2e'];
const tiersNeedingServices = new Set(['integration', 'e2e']);
const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/kyc_test';

const args = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const isPath = (a) => a.includes('/') || a.endsWith('.ts');
const paths = args.filter(isPath);
const tiers = args.filter((a) => !isPath(a));
const selected = tiers.length > 0 || paths.length > 0 ? tiers : allTiers;

function findTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return findTests(p);
    return p.endsWith('.test.ts') ? [p] : [];
  });
}

/** Connects to the test database; creates it when missing (trust auth locally), else explains what to do. */
async function ensureTestDatabase(url) {
  const probe = new pg.Client({ connectionString: url });
  try {
    await probe.connect();
    return;
  } catch (err) {
    if (err.code !== '3D000') throw new Error(`cannot reach the test database ${url}: ${err.message}`);
  } finally {
    await probe.end().catch(() => {});
  }
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: target.toString() });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    console.log(`created test database ${name}`);
  } catch (err) {
    throw new Error(
      `test database ${name} does not exist and could not be created (${err.message}); ` +
        `run: createdb -h ${target.hostname} -U ${target.username || 'postgres'} ${name}`,
    );
  } finally {
    await admin.end().catch(() => {});
  }
}

async function startServices(env) {
  const needs =
    selected.some((t) => tiersNeedingServices.has(t)) ||
    paths.some((p) => [...tiersNeedingServices].some((t) => p.replace(/^\.\//, '').startsWith(`test/${t}`)));
  if (!needs) return null;
  env.DATABASE_URL = env.DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
  await ensureTestDatabase(env.DATABASE_URL);
  if (env.TEMPORAL_ADDRESS) return null;
  const { startDevServer } = tsxRequire('../src/temporal/dev-server.ts', import.meta.url);
  const server = await startDevServer({ uiPort: null, cliPath: env.TEMPORAL_CLI_PATH || undefined });
  env.TEMPORAL_ADDRESS = server.address;
  console.log(`temporal dev server for tests at ${server.address} (pid ${server.pid})`);
  return server;
}

function runNodeTest(files, env) {
  const concurrency = env.TEST_CONCURRENCY ?? '1';
  const args = [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    ...files,
  ];
  const child = spawn(process.execPath, args, { stdio: 'inherit', env });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

async function main() {
  const fromPaths = paths.flatMap((p) =>
    existsSync(p) && statSync(p).isDirectory() ? findTests(p).sort() : [p],
  );
  const files = [...selected.flatMap((t) => findTests(join('test', t)).sort()), ...fromPaths];
  if (files.length === 0) {
    console.error(`no test files for: ${args.join(', ') || allTiers.join(', ')}`);
    return 1;
  }
  const env = { ...process.env, NODE_ENV: 'test' };
  const server = await startServices(env);
  try {
    return await runNodeTest(files, env);
  } finally {
    await server?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
