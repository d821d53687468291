// Generated credentials for the embedded default, kept in the data directory (mode 0600) so they survive restarts.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface StoredValue {
  value: string;
  /** True when this call generated the value (first start). */
  created: boolean;
}

/** Reads the file, or creates it with a fresh value; 'wx' makes two processes racing on one data dir agree. */
export async function readOrCreateSecretFile(file: string, generate: () => string): Promise<StoredValue> {
  const existing = await readTrimmed(file);
  if (existing !== undefined) return { value: existing, created: false };
  await mkdir(path.dirname(file), { recursive: true });
  const value = generate();
  try {
    await writeFile(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return { value, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const raced = await readTrimmed(file);
    if (raced === undefined) throw new Error(`${file} exists but is empty`);
    return { value: raced, created: false };
  }
}

async function readTrimmed(file: string): Promise<string | undefined> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text === '' ? undefined : text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export const randomToken = (bytes: number): string => randomBytes(bytes).toString('base64url');
