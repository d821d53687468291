// Test database access: the real Postgres named by DATABASE_URL (default: the local kyc_test database),
// or an in-memory-like PGlite in a temporary directory for the "same behaviour on the embedded default" tests.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateToLatest, openDatabase, type Db } from '../../src/db/database';

export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kyc_test';

export interface TestDb {
  db: Db;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

/** Opens the shared test Postgres and migrates it. Tests never truncate: they use unique ids instead. */
export async function openTestDb(options: { poolSize?: number } = {}): Promise<TestDb> {
  const db = await openDatabase({
    databaseUrl: TEST_DATABASE_URL,
    dataDir: os.tmpdir(),
    poolSize: options.poolSize ?? 20,
  });
  await migrateToLatest(db);
  return { db, kind: 'postgres', close: () => db.destroy() };
}

/** A fresh PGlite database in a temporary directory, removed on close. */
export async function openPgliteTestDb(): Promise<TestDb> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kyc-pglite-'));
  const db = await openDatabase({ databaseUrl: undefined, dataDir });
  await migrateToLatest(db);
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Unique, readable ids so parallel test files never collide in the shared database. */
export function uniqueId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(5).toString('hex')}`;
}

/** A random 64-hex digest, for file refs whose bytes do not matter. */
export function randomSha256(): string {
  return randomBytes(32).toString('hex');
}
