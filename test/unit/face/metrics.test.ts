import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { accuracyAt, computeMetrics, errorRates, tarAtFar } from '../../../src/face/metrics';
import { parsePairs, percentile, summarize } from '../../../src/face/eval';
import { resolveFaceConfig } from '../../../src/face/config';

const pairs = [
  { score: 0.9, same: true },
  { score: 0.8, same: true },
  { score: 0.55, same: true },
  { score: 0.6, same: false },
  { score: 0.3, same: false },
  { score: 0.1, same: false },
];

void describe('verification metrics', () => {
  void test('accuracy and error rates at a threshold', () => {
    assert.equal(accuracyAt(pairs, 0.5), 5 / 6);
    assert.deepEqual(errorRates(pairs, 0.5), { far: 1 / 3, frr: 0 });
    assert.deepEqual(errorRates(pairs, 0.7), { far: 0, frr: 1 / 3 });
  });

  void test('best accuracy, EER and TAR at FAR', () => {
    const m = computeMetrics(pairs);
    assert.equal(m.bestAccuracy, 5 / 6);
    assert.equal(m.genuine, 3);
    assert.ok(Math.abs(m.eer - 1 / 3) < 1e-9, `eer ${m.eer}`);
    assert.ok(Math.abs(m.tarAtFar.far0 - 2 / 3) < 1e-9);
    assert.equal(tarAtFar(m.roc, 1), 1);
  });

  void test('perfect separation', () => {
    const m = computeMetrics([
      { score: 0.9, same: true },
      { score: 0.1, same: false },
    ]);
    assert.equal(m.bestAccuracy, 1);
    assert.equal(m.eer, 0);
    assert.equal(m.tarAtFar.far0, 1);
  });
});

void describe('eval helpers', () => {
  void test('parsePairs resolves paths and validates rows', () => {
    const rows = parsePairs('a\tb\tsame\nx/1.jpg\ty/2.jpg\t1\nx/1.jpg\tz/3.jpg\t0\n', '/data');
    assert.deepEqual(rows[0], { a: '/data/x/1.jpg', b: '/data/y/2.jpg', same: true });
    assert.equal(rows[1]?.same, false);
    assert.throws(() => parsePairs('a\tb\n1\t2\n', '/'), /columns a, b, same/);
    assert.throws(() => parsePairs('a\tb\tsame\n1\t2\tyes\n', '/'), /line 2/);
  });

  void test('percentile and summary', () => {
    assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
    assert.equal(percentile([], 50), 0);
    const cfg = resolveFaceConfig({ thresholdDecline: 0.5, thresholdApprove: 0.7 });
    const s = summarize(
      pairs.map((p) => ({ ...p, a: 'a', b: 'b' })),
      4,
      0,
      [10, 20],
      cfg,
      5,
    );
    assert.equal(s.accuracy, accuracyAt(pairs, 0.6));
    assert.equal(s.impostorsAboveApprove, 0);
    assert.equal(s.reviewRate, 2 / 6);
  });
});
