import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkBounds, mergeVideo } from '../../../src/face/engine';
import type { VideoAnalysis } from '../../../src/face/analyze';

void test('chunkBounds splits frames into contiguous near-equal chunks', () => {
  assert.deepEqual(chunkBounds(6, 2), [
    [0, 3],
    [3, 6],
  ]);
  assert.deepEqual(chunkBounds(5, 2), [
    [0, 2],
    [2, 5],
  ]);
  assert.deepEqual(chunkBounds(1, 2), [[0, 1]], 'never more chunks than frames');
});

void test('mergeVideo re-indexes used frames and descriptors', () => {
  const frame = { width: 1, height: 1, faces: [], mainIndex: -1, competing: [] };
  const d = { descriptor: [1], antispoof: 1, live: 1 };
  const a: VideoAnalysis = { frames: [frame, frame, frame], used: [1], described: { 1: d } };
  const b: VideoAnalysis = { frames: [frame, frame, frame], used: [2], described: { 2: d } };
  const m = mergeVideo([a, b], [0, 3]);
  assert.equal(m.frames.length, 6);
  assert.deepEqual(m.used, [1, 5]);
  assert.deepEqual(Object.keys(m.described), ['1', '5']);
});
