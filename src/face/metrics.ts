// Verification metrics over scored pairs (higher score = more likely the same person). Pure functions.

export interface ScoredPair {
  score: number;
  same: boolean;
}

export interface RocPoint {
  threshold: number;
  far: number;
  tar: number;
}

export interface PairMetrics {
  pairs: number;
  genuine: number;
  impostor: number;
  accuracyAt: (threshold: number) => number;
  bestAccuracy: number;
  bestThreshold: number;
  eer: number;
  eerThreshold: number;
  tarAtFar: { far1: number; far01: number; far0: number };
  roc: RocPoint[];
}

/** Accuracy when "same" is predicted for score >= threshold. */
export function accuracyAt(pairs: ScoredPair[], threshold: number): number {
  if (pairs.length === 0) return 0;
  const correct = pairs.filter((p) => p.score >= threshold === p.same).length;
  return correct / pairs.length;
}

/** FAR and FRR at a threshold (accept when score >= threshold). */
export function errorRates(pairs: ScoredPair[], threshold: number): { far: number; frr: number } {
  const gen = pairs.filter((p) => p.same);
  const imp = pairs.filter((p) => !p.same);
  const far = imp.length ? imp.filter((p) => p.score >= threshold).length / imp.length : 0;
  const frr = gen.length ? gen.filter((p) => p.score < threshold).length / gen.length : 0;
  return { far, frr };
}

/** Candidate thresholds: every distinct score, plus one above the maximum (accept nothing). */
function candidates(pairs: ScoredPair[]): number[] {
  const s = [...new Set(pairs.map((p) => p.score))].sort((a, b) => a - b);
  return [...s, (s.at(-1) ?? 0) + 1e-9];
}

export function rocCurve(pairs: ScoredPair[]): RocPoint[] {
  return candidates(pairs).map((t) => {
    const { far, frr } = errorRates(pairs, t);
    return { threshold: t, far, tar: 1 - frr };
  });
}

/** Highest TAR among thresholds whose FAR does not exceed the target. */
export function tarAtFar(roc: RocPoint[], maxFar: number): number {
  return roc.filter((p) => p.far <= maxFar + 1e-12).reduce((best, p) => Math.max(best, p.tar), 0);
}

/** Equal error rate: the point where FAR and FRR cross, averaged at the closest threshold. */
export function equalErrorRate(roc: RocPoint[]): { eer: number; threshold: number } {
  let best = { gap: Infinity, eer: 1, threshold: 0 };
  for (const p of roc) {
    const frr = 1 - p.tar;
    const gap = Math.abs(p.far - frr);
    if (gap < best.gap) best = { gap, eer: (p.far + frr) / 2, threshold: p.threshold };
  }
  return { eer: best.eer, threshold: best.threshold };
}

export function computeMetrics(pairs: ScoredPair[]): PairMetrics {
  const roc = rocCurve(pairs);
  let bestAccuracy = 0;
  let bestThreshold = 0;
  for (const p of roc) {
    const acc = accuracyAt(pairs, p.threshold);
    if (acc > bestAccuracy) {
      bestAccuracy = acc;
      bestThreshold = p.threshold;
    }
  }
  const { eer, threshold: eerThreshold } = equalErrorRate(roc);
  return {
    pairs: pairs.length,
    genuine: pairs.filter((p) => p.same).length,
    impostor: pairs.filter((p) => !p.same).length,
    accuracyAt: (t) => accuracyAt(pairs, t),
    bestAccuracy,
    bestThreshold,
    eer,
    eerThreshold,
    tarAtFar: { far1: tarAtFar(roc, 0.01), far01: tarAtFar(roc, 0.001), far0: tarAtFar(roc, 0) },
    roc,
  };
}
