import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { faceMatchIdempotencyKey } from '../../../src/activities/idempotency-key';

const parts = {
  workflowId: 'kyc-session-s1',
  idSha256: 'a'.repeat(64),
  selfieSha256: 'b'.repeat(64),
  pipelineVersion: 'p1',
};

void test('the key is fs_ + sha256 of the newline-joined stable parts', () => {
  const expected = createHash('sha256')
    .update(`kyc-session-s1\n${'a'.repeat(64)}\n${'b'.repeat(64)}\np1`)
    .digest('hex');
  assert.equal(faceMatchIdempotencyKey(parts), `fs_${expected}`);
});

void test('any changed part changes the key; the same parts always give the same key', () => {
  const key = faceMatchIdempotencyKey(parts);
  assert.equal(faceMatchIdempotencyKey({ ...parts }), key);
  for (const change of [
    { workflowId: 'kyc-session-s2' },
    { idSha256: 'c'.repeat(64) },
    { selfieSha256: 'c'.repeat(64) },
    { pipelineVersion: 'p2' },
  ]) {
    assert.notEqual(faceMatchIdempotencyKey({ ...parts, ...change }), key);
  }
});

void test('swapping the two digests gives a different key', () => {
  const swapped = { ...parts, idSha256: parts.selfieSha256, selfieSha256: parts.idSha256 };
  assert.notEqual(faceMatchIdempotencyKey(swapped), faceMatchIdempotencyKey(parts));
});
