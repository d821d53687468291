// Which face in a picture is "the" face, which other faces matter, and which video frames to compare.
// Pure functions over detector output so the policy can be unit-tested.

export interface BoxedFace {
  box: [number, number, number, number];
  quality: number;
}

export function area(f: BoxedFace): number {
  return Math.max(0, f.box[2]) * Math.max(0, f.box[3]);
}

/** Prominence: size first, nudged towards the centre of the picture (a selfie subject is central). */
export function prominence(f: BoxedFace, width: number, height: number): number {
  const cx = f.box[0] + f.box[2] / 2;
  const cy = f.box[1] + f.box[3] / 2;
  const dx = (cx - width / 2) / width;
  const dy = (cy - height / 2) / height;
  const centrality = 1 - Math.min(1, Math.hypot(dx, dy) / 0.71);
  return area(f) * (0.75 + 0.25 * centrality);
}

export interface MainFace<T extends BoxedFace> {
  main: T | null;
  mainIndex: number;
  /** Other faces large enough to be a second person taking part (not a bystander far behind). */
  competing: T[];
}

export function pickMainFace<T extends BoxedFace>(
  faces: T[],
  width: number,
  height: number,
  ratio: number,
): MainFace<T> {
  if (faces.length === 0) return { main: null, mainIndex: -1, competing: [] };
  let mainIndex = 0;
  faces.forEach((f, i) => {
    if (prominence(f, width, height) > prominence(faces[mainIndex] as T, width, height)) mainIndex = i;
  });
  const main = faces[mainIndex] as T;
  const competing = faces.filter((f, i) => i !== mainIndex && area(f) >= ratio * area(main));
  return { main, mainIndex, competing };
}

export interface FrameCandidate {
  index: number;
  quality: number;
  usable: boolean;
}

/**
 * Best usable frame from each of `count` equal slices of the clip: the comparison sees the whole clip, so a
 * swap of person half-way through is caught by the consistency check, not hidden by picking one end.
 */
export function selectFrames(frames: FrameCandidate[], count: number): number[] {
  const usable = frames.filter((f) => f.usable);
  if (usable.length <= count) return usable.map((f) => f.index);
  const n = frames.length;
  const picked: number[] = [];
  for (let s = 0; s < count; s++) {
    const lo = Math.floor((s * n) / count);
    const hi = Math.floor(((s + 1) * n) / count);
    const slice = frames.slice(lo, hi).filter((f) => f.usable);
    const best = slice.reduce<FrameCandidate | null>((b, f) => (!b || f.quality > b.quality ? f : b), null);
    if (best) picked.push(best.index);
  }
  // Top up from the best remaining frames when some slices had no usable frame.
  const rest = usable.filter((f) => !picked.includes(f.index)).sort((a, b) => b.quality - a.quality);
  while (picked.length < count && rest.length > 0) picked.push((rest.shift() as FrameCandidate).index);
  return picked.sort((a, b) => a - b);
}
