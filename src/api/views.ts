// Database records -> the JSON the API returns. One place, so the tenant API and the console agree.
import type { FileKind } from '../definitions';
import type { Db } from '../db/database';
import { latestFiles, type FileRecord } from '../db/repositories/files';
import type { SessionRecord } from '../db/repositories/sessions';
import type { ApiContext } from './context';
import { countInferenceRuns } from '../db/repositories/inference-runs';

export interface FileView {
  kind: FileKind;
  sha256: string;
  size: number;
  mediaType: string;
  uploadedAt: string;
}

export const fileView = (f: FileRecord): FileView => ({
  kind: f.kind,
  sha256: f.sha256,
  size: f.size,
  mediaType: f.mediaType,
  uploadedAt: f.createdAt.toISOString(),
});

/** The list view: the projection row only (no per-session queries while paging). */
export function sessionSummary(session: SessionRecord, ctx: Pick<ApiContext, 'temporalUiUrl'>) {
  return {
    id: session.id,
    status: session.status,
    reference: session.reference,
    decision: session.decision,
    error: session.error,
    expiresAt: session.expiresAt.toISOString(),
    createdAt: session.createdAt.toISOString(),
    updatedAt: session.updatedAt.toISOString(),
    completedAt: session.completedAt?.toISOString() ?? null,
    temporalUiUrl: ctx.temporalUiUrl(session.workflowId),
  };
}

export async function sessionDetail(db: Db, session: SessionRecord, ctx: Pick<ApiContext, 'temporalUiUrl'>) {
  const [files, inferenceRuns] = await Promise.all([
    latestFiles(db, session.id),
    countInferenceRuns(db, { sessionId: session.id }),
  ]);
  const fileViews: Partial<Record<FileKind, FileView>> = {};
  for (const [kind, file] of Object.entries(files) as [FileKind, FileRecord][])
    fileViews[kind] = fileView(file);
  return {
    ...sessionSummary(session, ctx),
    files: fileViews,
    inferenceRuns,
  };
}
