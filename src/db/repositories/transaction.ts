// Runs fn in a transaction, or in the caller's transaction when given one (Kysely has no nested transactions),
// so repository functions that need atomicity compose into larger units of work.
import type { Transaction } from 'kysely';
import type { Db } from '../database';
import type { Database } from '../schema';

export function inTransaction<T>(db: Db, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<Database>);
  return db.transaction().execute(fn);
}
