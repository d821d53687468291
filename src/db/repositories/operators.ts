// Operator accounts for the console. Password hashing lives in src/auth; this module stores and finds hashes.
import type { Db } from '../database';

export interface OperatorRecord {
  id: string;
  username: string;
  passwordHash: string;
  createdAt: Date;
  disabledAt: Date | null;
}

/** Creates the operator if the username is free; returns false when it already existed (left unchanged). */
export async function insertOperator(
  db: Db,
  input: { id: string; username: string; passwordHash: string },
): Promise<boolean> {
  const row = await db
    .insertInto('operators')
    .values({ id: input.id, username: input.username, password_hash: input.passwordHash })
    .onConflict((oc) => oc.column('username').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function setOperatorPassword(db: Db, username: string, passwordHash: string): Promise<boolean> {
  const result = await db
    .updateTable('operators')
    .set({ password_hash: passwordHash })
    .where('username', '=', username)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Active operators only. */
export async function findOperatorByUsername(db: Db, username: string): Promise<OperatorRecord | undefined> {
  const row = await db
    .selectFrom('operators')
    .selectAll()
    .where('username', '=', username)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}
