import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './dataset';

/** Bump when the generator's output changes so stale cache entries are not reused. */
export const GENERATOR_VERSION = 'testmedia-v2';

export function cacheDir(): string {
  const dir = path.join(repoRoot, '.tmp', 'testmedia');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Key from the generator version, options and the photos' bytes (not their paths' mtimes: clones differ). */
export function cacheKey(kind: string, photoPaths: string[], opts: unknown): string {
  const h = createHash('sha256')
    .update(GENERATOR_VERSION)
    .update(kind)
    .update(JSON.stringify(opts ?? {}));
  for (const p of photoPaths) h.update(readFileSync(p));
  return h.digest('hex').slice(0, 24);
}

export function cachedPath(key: string, ext: string): string {
  return path.join(cacheDir(), `${key}.${ext}`);
}

export function isCached(file: string): boolean {
  return existsSync(file) && statSync(file).size > 0;
}

/** Writes via a temporary name so a concurrent reader never sees a half-written file. */
export function writeAtomic(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
