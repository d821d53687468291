import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVerifyArgs } from '../../../src/cli/verify';

const files = ['--id-image', 'id.jpg', '--selfie-video', 'selfie.mp4'];

void describe('kyc verify arguments', () => {
  void test('defaults: API from PORT, key from KYC_API_KEY, 300 s timeout', () => {
    const o = parseVerifyArgs(files, { PORT: '4000', KYC_API_KEY: 'kyc_sk_env' });
    assert.deepEqual(o, {
      idImage: 'id.jpg',
      selfieVideo: 'selfie.mp4',
      api: 'http://localhost:4000',
      apiKey: 'kyc_sk_env',
      json: false,
      timeoutSeconds: 300,
      reference: 'kyc-verify',
    });
  });

  void test('the key npm start saved in the data directory is used when none is given', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kyc-verify-'));
    try {
      writeFileSync(path.join(dir, 'api-key'), 'kyc_sk_file\n');
      const o = parseVerifyArgs([...files, '--json', '--api', 'http://x:1/'], { KYC_DATA_DIR: dir });
      assert.ok(o !== 'help');
      assert.equal(o.apiKey, 'kyc_sk_file');
      assert.equal(o.api, 'http://x:1');
      assert.equal(o.json, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void test('usage errors are reported, not guessed around', () => {
    const env = { KYC_API_KEY: 'k' };
    assert.throws(
      () => parseVerifyArgs(['--id-image', 'a'], env),
      /--id-image and --selfie-video are required/,
    );
    assert.throws(() => parseVerifyArgs([...files, '--timeout', '0'], env), /--timeout/);
    assert.throws(() => parseVerifyArgs([...files, '--bogus'], env), /bogus/);
    assert.throws(() => parseVerifyArgs(files, { KYC_DATA_DIR: '/nonexistent' }), /no API key/);
    assert.equal(parseVerifyArgs(['--help'], env), 'help');
  });
});
