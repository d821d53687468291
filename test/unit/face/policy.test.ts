import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveFaceConfig } from '../../../src/face/config';
import { livenessRisk, nonRigidMotion } from '../../../src/face/liveness';
import { decide, type DecisionInputs } from '../../../src/face/policy';
import type { Point } from '../../../src/face/align';

const cfg = resolveFaceConfig({ thresholdDecline: 0.5, thresholdApprove: 0.6, minFrameConsistency: 0.87 });

function inputs(
  over: Partial<DecisionInputs> = {},
  selfie: Partial<DecisionInputs['selfie']> = {},
): DecisionInputs {
  return {
    id: { faces: 1, usable: true, distinctLargeFaces: 1 },
    selfie: {
      framesSampled: 6,
      framesWithFace: 6,
      usableFrames: 6,
      framesWithCompetingFace: 0,
      consistency: 0.95,
      ...selfie,
    },
    similarity: 0.8,
    liveness: { antispoof: 0.9, live: 0.9, motion: 0.5, consistency: 0.95, risk: 'low' },
    ...over,
  };
}

void describe('decide', () => {
  void test('approve, review and decline bands', () => {
    assert.deepEqual(decide(inputs(), cfg), { outcome: 'approved', reasons: [] });
    assert.deepEqual(decide(inputs({ similarity: 0.55 }), cfg), {
      outcome: 'needs_review',
      reasons: ['SIMILARITY_UNCERTAIN'],
    });
    assert.deepEqual(decide(inputs({ similarity: 0.2 }), cfg), {
      outcome: 'declined',
      reasons: ['FACE_MISMATCH'],
    });
    assert.equal(
      decide(inputs({ similarity: 0.6 }), cfg).outcome,
      'approved',
      'approve threshold is inclusive',
    );
  });

  void test('input problems decline with their reason, before any similarity verdict', () => {
    const cases: Array<[DecisionInputs, string]> = [
      [inputs({ id: { faces: 0, usable: false, distinctLargeFaces: 0 }, similarity: null }), 'NO_FACE_ID'],
      [inputs({ id: { faces: 2, usable: true, distinctLargeFaces: 2 } }), 'MULTIPLE_FACES_ID'],
      [inputs({ id: { faces: 1, usable: false, distinctLargeFaces: 1 } }), 'LOW_QUALITY_ID'],
      [
        inputs({ similarity: null }, { framesWithFace: 0, usableFrames: 0, consistency: null }),
        'NO_FACE_SELFIE',
      ],
      [inputs({}, { usableFrames: 0 }), 'LOW_QUALITY_SELFIE'],
      [inputs({}, { framesWithCompetingFace: 4 }), 'MULTIPLE_FACES_SELFIE'],
      [inputs({}, { consistency: 0.1 }), 'IDENTITY_CHANGED_SELFIE'],
    ];
    for (const [inp, reason] of cases) {
      const d = decide(inp, cfg);
      assert.equal(d.outcome, 'declined', reason);
      assert.ok(d.reasons.includes(reason as never), `${reason} in ${d.reasons.join(',')}`);
      assert.ok(!d.reasons.includes('FACE_MISMATCH'), 'no similarity verdict on bad input');
    }
  });

  void test('one bystander frame is tolerated', () => {
    assert.equal(decide(inputs({}, { framesWithCompetingFace: 1 }), cfg).outcome, 'approved');
  });

  void test('liveness risk follows the configured policy', () => {
    const high = inputs({
      liveness: { antispoof: 0.05, live: 0.9, motion: 0.5, consistency: 0.95, risk: 'high' },
    });
    assert.deepEqual(decide(high, cfg), { outcome: 'declined', reasons: ['LIVENESS_FAILED'] });
    assert.equal(decide(high, { ...cfg, livenessHighRisk: 'review' }).outcome, 'needs_review');
    const medium = inputs({
      liveness: { antispoof: 0.2, live: 0.9, motion: 0.5, consistency: 0.95, risk: 'medium' },
    });
    assert.deepEqual(decide(medium, cfg), { outcome: 'needs_review', reasons: ['LIVENESS_UNCERTAIN'] });
    assert.equal(decide(medium, { ...cfg, livenessMediumRisk: 'ignore' }).outcome, 'approved');
  });
});

void describe('liveness signals', () => {
  void test('risk levels from thresholds', () => {
    const base = { antispoof: 0.9, live: 0.9, motion: 0.5, consistency: 0.9 };
    assert.equal(livenessRisk(base, cfg), 'low');
    assert.equal(livenessRisk({ ...base, antispoof: 0.2 }, cfg), 'medium');
    assert.equal(livenessRisk({ ...base, motion: 0 }, cfg), 'high');
    assert.equal(livenessRisk({ ...base, live: null }, cfg), 'medium', 'a missing signal is not a pass');
  });

  void test('a photo moved rigidly has no non-rigid motion; a changing face does', () => {
    const face: Point[] = [
      [40, 50],
      [80, 50],
      [60, 70],
      [45, 90],
      [75, 90],
    ];
    const moved = (dx: number, s: number, rot: number): Point[] =>
      face.map(([x, y]) => [
        Math.cos(rot) * s * x - Math.sin(rot) * s * y + dx,
        Math.sin(rot) * s * x + Math.cos(rot) * s * y,
      ]);
    const still = nonRigidMotion([face, moved(10, 1.1, 0.1), moved(-5, 0.9, -0.1), moved(3, 1, 0)]);
    assert.ok(still !== null && still < 0.01, `rigid motion ${still}`);
    const talking: Point[] = face.map(([x, y], i) => [x + (i === 2 ? 6 : 0), y + (i >= 3 ? 5 : 0)]);
    const live = nonRigidMotion([face, talking, face, talking]);
    assert.ok(live !== null && live > 0.5, `non-rigid motion ${live}`);
    assert.equal(nonRigidMotion([face]), null);
  });
});
