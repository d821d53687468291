/** Test-media generator: turns dev face photos into KYC-like inputs for tests, demos and benchmarks. */
export { makeIdCard, type IdCardOptions } from './id-card';
export { makeSelfieVideo, makeY4m, type SelfieVideoOptions } from './video';
export {
  samplePair,
  listPeople,
  facesDir,
  repoRoot,
  DEFAULT_PERSON,
  DEFAULT_IMPOSTOR,
  type SamplePair,
} from './dataset';
export { makeSample, type SampleFiles } from './sample';
export { pixelBombPng, truncated, longVideo, facelessVideo, audioOnlyMp4, writeTo } from './hostile';
