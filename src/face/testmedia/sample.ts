import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { samplePair } from './dataset';
import { makeIdCard } from './id-card';
import { makeSelfieVideo, type SelfieVideoOptions } from './video';

export interface SampleFiles {
  idImage: string;
  selfieVideo: string;
  person: string;
  selfiePerson: string;
}

/**
 * Writes id.jpg + selfie.mp4 into dir. The ID shows the person's first photo, the video the others; with
 * impostor the video shows someone else (a case the engine must decline).
 */
export async function makeSample(
  dir: string,
  opts: { person?: string; impostor?: boolean; video?: SelfieVideoOptions } = {},
): Promise<SampleFiles> {
  const pair = samplePair(opts.person);
  mkdirSync(dir, { recursive: true });
  const [idPhoto, ...rest] = pair.photos as [string, ...string[]];
  const videoPhotos = opts.impostor ? pair.impostorPhotos : rest;
  const idImage = path.join(dir, 'id.jpg');
  writeFileSync(idImage, await makeIdCard(idPhoto));
  const selfieVideo = await makeSelfieVideo(videoPhotos, path.join(dir, 'selfie.mp4'), opts.video);
  return {
    idImage,
    selfieVideo,
    person: pair.person,
    selfiePerson: opts.impostor ? pair.impostor : pair.person,
  };
}
