// Types for the browser module web/webm-duration.js, so TypeScript tests can import it.
export declare const ID: Record<
  'EBML' | 'SEGMENT' | 'SEEK_HEAD' | 'INFO' | 'TIMECODE_SCALE' | 'DURATION',
  number
>;
export declare function readElement(
  buf: Uint8Array,
  pos: number,
): { id: number; pos: number; dataStart: number; size: number | null; idLen: number } | null;
export declare function patchWebmDuration(buf: Uint8Array, durationMs: number): Uint8Array | null;
export declare function withWebmDuration(blob: Blob, durationMs: number): Promise<Blob>;
