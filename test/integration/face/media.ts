// Generated inputs shared by the face integration tests (cached under .tmp/testmedia by the generator).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  makeIdCard,
  makeSelfieVideo,
  samplePair,
  repoRoot,
  type IdCardOptions,
  type SelfieVideoOptions,
} from '../../../src/face/testmedia';

export const workDir = path.join(repoRoot, '.tmp', 'face-it');
mkdirSync(workDir, { recursive: true });

export const pair = samplePair();
export const [idPhoto, ...selfiePhotos] = pair.photos as [string, ...string[]];

export async function idCard(name: string, photo = idPhoto, opts: IdCardOptions = {}): Promise<string> {
  const file = path.join(workDir, `${name}.${opts.format ?? 'jpg'}`);
  writeFileSync(file, await makeIdCard(photo, opts));
  return file;
}

export function selfie(name: string, photos = selfiePhotos, opts: SelfieVideoOptions = {}): Promise<string> {
  return makeSelfieVideo(photos, path.join(workDir, `${name}.${opts.format ?? 'mp4'}`), opts);
}
