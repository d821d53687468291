import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createUploadToken,
  verifyUploadToken,
  UPLOAD_TOKEN_GRACE_SECONDS,
} from '../../../src/auth/upload-token';
import { createOperatorSession, readCookie, verifyOperatorSession } from '../../../src/auth/operator-session';
import { hashPassword, verifyPassword } from '../../../src/auth/passwords';
import { LoginThrottle } from '../../../src/auth/login-throttle';

const SECRET = 'test-secret-0123456789';

void describe('upload tokens', () => {
  void test('verify round-trips the session id and expire with the session plus a grace', () => {
    const expiresAt = new Date(Date.now() + 60_000);
    const token = createUploadToken(SECRET, 'ses_1', expiresAt);
    assert.match(token, /^ut_[\w-]+\.[\w-]+$/);
    assert.equal(verifyUploadToken(SECRET, token)?.sid, 'ses_1');
    const graceEnd = expiresAt.getTime() + UPLOAD_TOKEN_GRACE_SECONDS * 1000;
    assert.notEqual(verifyUploadToken(SECRET, token, graceEnd - 2000), null);
    assert.equal(verifyUploadToken(SECRET, token, graceEnd + 1000), null);
  });

  void test('rejects other secrets, tampered payloads and operator tokens', () => {
    const token = createUploadToken(SECRET, 'ses_1', new Date(Date.now() + 60_000));
    assert.equal(verifyUploadToken('another-secret', token), null);
    const [body, sig] = token.slice(3).split('.');
    const forged = Buffer.from(JSON.stringify({ sid: 'ses_2', exp: 9e9 })).toString('base64url');
    assert.equal(verifyUploadToken(SECRET, `ut_${forged}.${sig}`), null);
    assert.equal(verifyUploadToken(SECRET, `ut_${body}.`), null);
    assert.equal(verifyUploadToken(SECRET, 'ut_garbage'), null);
    // Same secret, other purpose: an operator session is no upload token and vice versa.
    const op = createOperatorSession(SECRET, 'admin');
    assert.equal(verifyUploadToken(SECRET, `ut_${op.slice(3)}`), null);
    assert.equal(verifyOperatorSession(SECRET, `os_${token.slice(3)}`), null);
  });
});

void describe('operator sessions', () => {
  void test('round-trip and expiry', () => {
    const now = Date.now();
    const token = createOperatorSession(SECRET, 'admin', now);
    assert.equal(verifyOperatorSession(SECRET, token, now)?.sub, 'admin');
    assert.equal(verifyOperatorSession(SECRET, token, now + 13 * 3600 * 1000), null);
  });

  void test('readCookie finds one cookie among several', () => {
    assert.equal(readCookie('a=1; kyc_operator=os_x.y; b=2', 'kyc_operator'), 'os_x.y');
    assert.equal(readCookie('a=1', 'kyc_operator'), undefined);
    assert.equal(readCookie(undefined, 'kyc_operator'), undefined);
  });
});

void describe('passwords', () => {
  void test('scrypt hashes verify, are salted, and refuse wrong passwords', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    assert.match(a, /^scrypt\$16384\$8\$1\$/);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('correct horse', a), true);
    assert.equal(await verifyPassword('wrong horse', a), false);
    assert.equal(await verifyPassword('correct horse', 'plain'), false);
  });
});

void describe('login throttle', () => {
  void test('refuses after maxFailures within the window, names the wait, and forgets on success or time', () => {
    const throttle = new LoginThrottle({ maxFailures: 3, windowMs: 60_000 });
    const keys = ['admin|10.0.0.1'];
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) {
      assert.equal(throttle.retryAfterSeconds(keys, t0 + i), 0);
      throttle.recordFailure(keys, t0 + i);
    }
    assert.equal(throttle.retryAfterSeconds(keys, t0 + 10), 60);
    assert.equal(throttle.retryAfterSeconds(['admin|10.0.0.2'], t0 + 10), 0, 'other keys unaffected');
    assert.equal(throttle.retryAfterSeconds(keys, t0 + 60_001), 0, 'window passed');
    throttle.recordSuccess(keys);
    assert.equal(throttle.retryAfterSeconds(keys, t0 + 10), 0);
  });
});
