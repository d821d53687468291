// Uploaded files per session. A row is written once per (session, kind, digest); accepting the same file again
// only moves its accepted_at, so a file re-sent after another one (A, B, A) is current again.
import type { FileKind, FileRef } from '../../definitions';
import { sql } from 'kysely';
import type { Db } from '../database';

export interface FileRecord extends FileRef {
  sessionId: string;
  createdAt: Date;
}

export async function upsertFile(db: Db, sessionId: string, file: FileRef): Promise<void> {
  await db
    .insertInto('files')
    .values({
      session_id: sessionId,
      kind: file.kind,
      storage_key: file.storageKey,
      sha256: file.sha256,
      size: file.size,
      media_type: file.mediaType,
    })
    .onConflict((oc) => oc.columns(['session_id', 'kind', 'sha256']).doUpdateSet({ accepted_at: sql`now()` }))
    .execute();
}

/** Every file a session received, least recently accepted first (a replaced upload stays listed). */
export async function listFiles(db: Db, sessionId: string): Promise<FileRecord[]> {
  const rows = await db
    .selectFrom('files')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('accepted_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
  return rows.map((r) => ({
    sessionId: r.session_id,
    kind: r.kind,
    storageKey: r.storage_key,
    sha256: r.sha256,
    size: Number(r.size),
    mediaType: r.media_type,
    createdAt: r.created_at,
  }));
}

/** The newest file of each kind: what the session currently uses (latest upload wins). */
export async function latestFiles(db: Db, sessionId: string): Promise<Partial<Record<FileKind, FileRecord>>> {
  const latest: Partial<Record<FileKind, FileRecord>> = {};
  for (const file of await listFiles(db, sessionId)) latest[file.kind] = file;
  return latest;
}
