import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pickMainFace, prominence, selectFrames } from '../../../src/face/selection';

const face = (x: number, y: number, s: number, quality = 0.8) => ({
  box: [x, y, s, s] as [number, number, number, number],
  quality,
});

void describe('pickMainFace', () => {
  void test('the largest, most central face is the subject; small background faces do not compete', () => {
    const subject = face(200, 150, 240);
    const bystander = face(10, 10, 60);
    const r = pickMainFace([bystander, subject], 640, 480, 0.35);
    assert.equal(r.main, subject);
    assert.equal(r.mainIndex, 1);
    assert.deepEqual(r.competing, []);
  });

  void test('a second face of similar size competes', () => {
    const a = face(40, 100, 200);
    const b = face(380, 100, 190);
    const r = pickMainFace([a, b], 640, 480, 0.35);
    assert.equal(r.competing.length, 1);
  });

  void test('no faces', () => {
    assert.deepEqual(pickMainFace([], 10, 10, 0.35), { main: null, mainIndex: -1, competing: [] });
  });

  void test('centrality breaks near-ties in size', () => {
    const central = face(270, 190, 100);
    const corner = face(0, 0, 104);
    assert.ok(prominence(central, 640, 480) > prominence(corner, 640, 480));
  });
});

void describe('selectFrames', () => {
  const frames = (qs: Array<number | null>) =>
    qs.map((q, index) => ({ index, quality: q ?? 0, usable: q !== null }));

  void test('takes the best usable frame from each slice of the clip', () => {
    assert.deepEqual(selectFrames(frames([0.5, 0.9, 0.4, 0.6, 0.7, 0.95]), 3), [1, 3, 5]);
  });

  void test('tops up from other slices when one has no usable frame', () => {
    assert.deepEqual(selectFrames(frames([0.5, 0.9, null, null, 0.7, 0.95]), 3), [1, 4, 5]);
  });

  void test('returns all usable frames when there are few', () => {
    assert.deepEqual(selectFrames(frames([null, 0.4, null]), 3), [1]);
    assert.deepEqual(selectFrames(frames([null, null]), 2), []);
  });
});
