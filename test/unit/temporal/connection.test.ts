import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { TemporalCliNotFoundError, locateTemporalCli } from '../../../src/temporal/cli';
import { tlsOptions } from '../../../src/temporal/connection';

void describe('Temporal connection options', () => {
  void test('plain connection for the dev server, TLS for an API key or a client certificate', () => {
    assert.equal(tlsOptions(loadConfig({})), false);
    assert.deepEqual(tlsOptions(loadConfig({ TEMPORAL_API_KEY: 'k', TEMPORAL_ADDRESS: 'x:7233' })), {});
    assert.deepEqual(
      tlsOptions(loadConfig({ TEMPORAL_TLS: 'true', TEMPORAL_TLS_SERVER_NAME: 'ns.tmprl.cloud' })),
      {
        serverNameOverride: 'ns.tmprl.cloud',
      },
    );
  });

  void test('mTLS reads the certificate pair and CA from disk; half a pair is refused', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kyc-tls-'));
    for (const f of ['crt', 'key', 'ca']) writeFileSync(path.join(dir, f), `${f}-bytes`);
    const tls = tlsOptions(
      loadConfig({
        TEMPORAL_TLS_CERT_PATH: path.join(dir, 'crt'),
        TEMPORAL_TLS_KEY_PATH: path.join(dir, 'key'),
        TEMPORAL_TLS_CA_PATH: path.join(dir, 'ca'),
      }),
    );
    assert.ok(tls !== false);
    assert.equal(tls.clientCertPair?.crt.toString(), 'crt-bytes');
    assert.equal(tls.serverRootCACertificate?.toString(), 'ca-bytes');
    assert.throws(
      () => tlsOptions(loadConfig({ TEMPORAL_TLS_CERT_PATH: path.join(dir, 'crt') })),
      /set together/,
    );
  });
});

void describe('locating the Temporal CLI', () => {
  void test('TEMPORAL_CLI_PATH wins, then PATH', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kyc-cli-'));
    const cli = path.join(dir, 'temporal');
    writeFileSync(cli, '#!/bin/sh\n');
    chmodSync(cli, 0o755);
    assert.equal(locateTemporalCli(cli, {}), cli);
    assert.equal(locateTemporalCli(undefined, { PATH: dir }), cli);
  });

  void test('a missing CLI is a clear, typed error naming the ways to fix it', () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'kyc-cli-none-'));
    const env = { PATH: empty, HOME: empty, GOPATH: empty };
    assert.throws(
      () => locateTemporalCli(undefined, env),
      (err: unknown) =>
        err instanceof TemporalCliNotFoundError && /go install .*temporal@v1\.5\.1/.test(err.message),
    );
    assert.throws(() => locateTemporalCli(path.join(empty, 'nope'), env), TemporalCliNotFoundError);
  });
});
