// Media for browser tests, made from the dev face photos: an ID card image and a .y4m clip for the fake camera.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeIdCard, makeY4m, samplePair } from '../../src/face/testmedia';

export interface BrowserMedia {
  person: string;
  idImage: string;
  cameraY4m: string;
}

/** The ID shows the person's first photo; the camera plays three other photos of the same person. */
export async function browserMedia(): Promise<BrowserMedia> {
  const pair = samplePair();
  const [idPhoto, ...others] = pair.photos as [string, ...string[]];
  const dir = path.join(os.tmpdir(), 'kyc-e2e-media');
  mkdirSync(dir, { recursive: true });
  const idImage = path.join(dir, `${pair.person}-id.jpg`);
  writeFileSync(idImage, await makeIdCard(idPhoto));
  const cameraY4m = await makeY4m(others.slice(0, 3), path.join(dir, `${pair.person}-camera.y4m`), {
    seconds: 6,
  });
  return { person: pair.person, idImage, cameraY4m };
}

export const screenshotPath = (name: string): string =>
  path.resolve(__dirname, '../../docs/screenshots', name);
