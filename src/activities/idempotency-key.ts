// The face-match idempotency key: stable across retries, worker restarts and workflow resets (no run id),
// and new whenever an input file or the pipeline changes.
import { createHash } from 'node:crypto';

export interface FaceMatchKeyParts {
  workflowId: string;
  idSha256: string;
  selfieSha256: string;
  pipelineVersion: string;
}

export function faceMatchIdempotencyKey(parts: FaceMatchKeyParts): string {
  const material = `${parts.workflowId}\n${parts.idSha256}\n${parts.selfieSha256}\n${parts.pipelineVersion}`;
  return `fs_${createHash('sha256').update(material, 'utf8').digest('hex')}`;
}
