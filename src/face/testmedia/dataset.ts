import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Repository root: this file lives at src/face/testmedia/. */
export const repoRoot = path.resolve(__dirname, '../../..');

/** Dev face photos (LFW subset). CI clones the repo next to shared/, so the default is relative to the repo. */
export function facesDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KYC_FACES_DIR
    ? path.resolve(env.KYC_FACES_DIR)
    : path.resolve(repoRoot, '../shared/data/faces/dev');
}

export interface Person {
  name: string;
  photos: string[];
}

export function listPeople(dir = facesDir()): Person[] {
  return readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory())
    .sort()
    .map((name) => ({
      name,
      photos: readdirSync(path.join(dir, name))
        .filter((f) => /\.(jpe?g|png|webp)$/i.test(f))
        .sort()
        .map((f) => path.join(dir, name, f)),
    }));
}

export interface SamplePair {
  person: string;
  /** photos[0] goes on the ID card; the rest feed the selfie video. */
  photos: string[];
  impostor: string;
  impostorPhotos: string[];
}

/** A person checked to have a clearly detectable face in every photo; stable across runs. */
export const DEFAULT_PERSON = 'Angela_Merkel';
export const DEFAULT_IMPOSTOR = 'Andre_Agassi';

/** Picks a genuine person with >= 3 photos and a different person as impostor, deterministically. */
export function samplePair(person?: string, impostor?: string, dir = facesDir()): SamplePair {
  const people = listPeople(dir).filter((p) => p.photos.length >= 3);
  if (people.length < 2) throw new Error(`need at least two people with >= 3 photos in ${dir}`);
  const wanted = person ?? DEFAULT_PERSON;
  const genuine = people.find((p) => p.name === wanted) ?? (person ? undefined : people[0]);
  if (!genuine) throw new Error(`person ${wanted} with >= 3 photos not found in ${dir}`);
  const wantedImpostor = impostor ?? DEFAULT_IMPOSTOR;
  const other =
    people.find((p) => p.name === wantedImpostor && p.name !== genuine.name) ??
    people.find((p) => p.name !== genuine.name);
  if (!other) throw new Error('no impostor available');
  return { person: genuine.name, photos: genuine.photos, impostor: other.name, impostorPhotos: other.photos };
}
