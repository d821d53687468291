import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkKycSignature,
  computeSignature,
  generateWebhookSecret,
  parseSignatureHeader,
  signatureHeader,
  verifyKycSignature,
} from '../../../src/webhooks';

const body = JSON.stringify({ id: 'evt_s1_approved', sessionId: 's1', status: 'approved' });

void describe('webhook signatures', () => {
  void test('a body signed with one secret verifies with it and not with another', () => {
    const secret = generateWebhookSecret();
    const header = signatureHeader(body, [secret]);
    assert.equal(verifyKycSignature(body, header, [secret]), true);
    assert.equal(verifyKycSignature(body, header, [generateWebhookSecret()]), false);
  });

  void test('matches the documented construction HMAC-SHA256(secret, `${t}.${body}`)', () => {
    const header = signatureHeader(body, ['s3cret'], 1_700_000_000);
    assert.equal(header, `t=1700000000,v1=${computeSignature('s3cret', 1_700_000_000, body)}`);
  });

  void test('during rotation every active secret signs, so old and new receivers both verify', () => {
    const [fresh, old] = [generateWebhookSecret(), generateWebhookSecret()];
    const header = signatureHeader(body, [fresh, old]);
    assert.equal(parseSignatureHeader(header)?.signatures.length, 2);
    assert.equal(verifyKycSignature(body, header, [old]), true);
    assert.equal(verifyKycSignature(body, header, [fresh]), true);
  });

  void test('a changed body, a stale timestamp or a malformed header is refused with a reason', () => {
    const header = signatureHeader(body, ['k'], 1_000);
    assert.deepEqual(checkKycSignature(body, header, ['k'], 300, 1_100), { ok: true, timestamp: 1_000 });
    assert.deepEqual(checkKycSignature(`${body} `, header, ['k'], 300, 1_100), {
      ok: false,
      reason: 'NO_MATCHING_SIGNATURE',
    });
    assert.deepEqual(checkKycSignature(body, header, ['k'], 300, 2_000), {
      ok: false,
      reason: 'TIMESTAMP_OUT_OF_TOLERANCE',
    });
    assert.deepEqual(checkKycSignature(body, 'garbage', ['k']), { ok: false, reason: 'MALFORMED_HEADER' });
    assert.deepEqual(checkKycSignature(body, undefined, ['k']), { ok: false, reason: 'MALFORMED_HEADER' });
  });
});
