import { sql, type Kysely } from 'kysely';

// A file sent again after another one (A, B, A) becomes current again: its row is not duplicated, but the time
// it was last accepted moves, and "the session's current file" is the most recently accepted one of its kind.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE files ADD COLUMN accepted_at timestamptz NOT NULL DEFAULT now();
    UPDATE files SET accepted_at = created_at;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE files DROP COLUMN accepted_at;`.execute(db);
}
