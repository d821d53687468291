// Face alignment: a least-squares similarity transform from five landmarks (eyes, nose tip, mouth corners)
// onto a canonical template, the way recognition models are trained (ArcFace / dlib face chips).
// Pure math here; the tensor warp lives in the caller.

export type Point = [number, number];

/** ArcFace's 112x112 five-point template, normalised to the unit square. */
const ARCFACE_TEMPLATE: Point[] = [
  [38.2946 / 112, 51.6963 / 112],
  [73.5318 / 112, 51.5014 / 112],
  [56.0252 / 112, 71.7366 / 112],
  [41.5493 / 112, 92.3655 / 112],
  [70.7299 / 112, 92.2041 / 112],
];

/** zoom < 1 leaves more margin around the face (dlib-style chips show the whole jaw and forehead). */
export function template(size: number, zoom: number): Point[] {
  return ARCFACE_TEMPLATE.map(([x, y]) => [(0.5 + (x - 0.5) * zoom) * size, (0.5 + (y - 0.5) * zoom) * size]);
}

export interface Similarity {
  a: number; // scale * cos
  b: number; // scale * sin
  tx: number;
  ty: number;
}

/** Least-squares similarity (Umeyama without reflection) mapping src points onto dst points. */
export function fitSimilarity(src: Point[], dst: Point[]): Similarity {
  const n = Math.min(src.length, dst.length);
  const mean = (pts: Point[]): Point => {
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      sx += (pts[i] as Point)[0];
      sy += (pts[i] as Point)[1];
    }
    return [sx / n, sy / n];
  };
  const [msx, msy] = mean(src);
  const [mdx, mdy] = mean(dst);
  let num1 = 0;
  let num2 = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const sx = (src[i] as Point)[0] - msx;
    const sy = (src[i] as Point)[1] - msy;
    const dx = (dst[i] as Point)[0] - mdx;
    const dy = (dst[i] as Point)[1] - mdy;
    num1 += sx * dx + sy * dy;
    num2 += sx * dy - sy * dx;
    den += sx * sx + sy * sy;
  }
  const a = den > 0 ? num1 / den : 1;
  const b = den > 0 ? num2 / den : 0;
  return { a, b, tx: mdx - (a * msx - b * msy), ty: mdy - (b * msx + a * msy) };
}

/**
 * tf.image.transform's 8 numbers map each OUTPUT pixel to the INPUT pixel it samples, so we fit the
 * similarity from the template (output) onto the detected landmarks (input).
 */
export function warpMatrix(landmarks: Point[], size: number, zoom: number): number[] {
  const s = fitSimilarity(template(size, zoom), landmarks);
  return [s.a, -s.b, s.tx, s.b, s.a, s.ty, 0, 0];
}

/** FaceMesh (478 points with iris refinement) indices of the five alignment landmarks. */
const MESH = { rightIris: 468, leftIris: 473, noseTip: 1, mouthRight: 61, mouthLeft: 291 };

/** Five landmarks in template order (image-left eye first) from a FaceMesh result. */
export function fivePointsFromMesh(mesh: ReadonlyArray<ReadonlyArray<number>>): Point[] | null {
  const p = (i: number): Point | null => {
    const m = mesh[i];
    return m && m.length >= 2 ? [m[0] as number, m[1] as number] : null;
  };
  const eyeA = p(MESH.rightIris) ?? eyeFallback(mesh, 33, 133);
  const eyeB = p(MESH.leftIris) ?? eyeFallback(mesh, 362, 263);
  const nose = p(MESH.noseTip);
  const mA = p(MESH.mouthRight);
  const mB = p(MESH.mouthLeft);
  if (!eyeA || !eyeB || !nose || !mA || !mB) return null;
  const [e1, e2] = eyeA[0] <= eyeB[0] ? [eyeA, eyeB] : [eyeB, eyeA];
  const [m1, m2] = mA[0] <= mB[0] ? [mA, mB] : [mB, mA];
  return [e1, e2, nose, m1, m2];
}

/** Eye centre from its two corners when the iris points are missing (mesh without iris model). */
function eyeFallback(mesh: ReadonlyArray<ReadonlyArray<number>>, i: number, j: number): Point | null {
  const a = mesh[i];
  const b = mesh[j];
  if (!a || !b) return null;
  return [((a[0] as number) + (b[0] as number)) / 2, ((a[1] as number) + (b[1] as number)) / 2];
}

/** The three reference points of dlib-style alignment: both eye centres and the mouth centre. */
export function eyesAndMouthFromMesh(
  mesh: ReadonlyArray<ReadonlyArray<number>>,
): [Point, Point, Point] | null {
  const five = fivePointsFromMesh(mesh);
  if (!five) return null;
  const lips = [61, 291, 0, 17].map((i) => mesh[i]);
  if (lips.some((p) => !p || p.length < 2)) return null;
  const mouth: Point = [
    lips.reduce((s, p) => s + (p?.[0] as number), 0) / 4,
    lips.reduce((s, p) => s + (p?.[1] as number), 0) / 4,
  ];
  return [five[0] as Point, five[1] as Point, mouth];
}

/**
 * face-api's own alignment for its descriptor ("useDlibAlignment"): a square whose side is the mean
 * eye-to-mouth distance / 0.45, placed so the centroid of eyes and mouth sits at (0.5, 0.43). We also
 * rotate so the eyes are level (face-api does not), which helps tilted selfies.
 */
export function dlibChipMatrix(pts: [Point, Point, Point], size: number, rotate = true): number[] {
  const [l, r, m] = pts;
  const cx = (l[0] + r[0] + m[0]) / 3;
  const cy = (l[1] + r[1] + m[1]) / 3;
  const d = (Math.hypot(m[0] - l[0], m[1] - l[1]) + Math.hypot(m[0] - r[0], m[1] - r[1])) / 2;
  const side = d / 0.45;
  const theta = rotate ? Math.atan2(r[1] - l[1], r[0] - l[0]) : 0;
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const k = side / size;
  return [
    c * k,
    -s * k,
    cx - c * 0.5 * side + s * 0.43 * side,
    s * k,
    c * k,
    cy - s * 0.5 * side - c * 0.43 * side,
    0,
    0,
  ];
}
