// Opens the database named by the config: Postgres at DATABASE_URL, or embedded PGlite under the data directory.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import { Pool, types } from 'pg';
import type { Database } from './schema';
import { migrations } from './migrations';
import { PGliteDialect } from './pglite-dialect';

// bigint columns (sizes, ids) stay strings by default; int8 counts come back as numbers where we cast them.
types.setTypeParser(types.builtins.INT8, (v) => v);

export type Db = Kysely<Database>;

export interface DatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Db> {
  if (options.databaseUrl !== undefined) {
    const pool = new Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  const dir = path.join(options.dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = await PGlite.create(dir);
  return new Kysely<Database>({ dialect: new PGliteDialect(pg) });
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
