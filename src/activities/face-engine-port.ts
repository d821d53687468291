// What the activity needs from the face engine (src/face). Type-only imports: the main worker never loads tfjs.
import type { FaceEngine } from '../face/types';
import { MediaError, TransientFaceError } from '../face/errors';

export type FaceEnginePort = Pick<FaceEngine, 'pipelineVersion' | 'verify'>;

/** The MediaError code, or undefined for any other error. Name-matched too, in case of a second module copy. */
export function mediaErrorCode(err: unknown): string | undefined {
  if (err instanceof MediaError) return err.code;
  if (!(err instanceof Error) || err.name !== 'MediaError') return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'CORRUPT_MEDIA';
}

export const isTransientFaceError = (err: unknown): err is Error =>
  err instanceof TransientFaceError || (err instanceof Error && err.name === 'TransientFaceError');
