// KycStatus on an existing cluster: a server started without it gets it registered through the operator service,
// idempotently (createRuntime does this when TEMPORAL_ADDRESS is set).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from '@temporalio/client';
import { startDevServer, type DevServer } from '../../../src/temporal/dev-server';
import { ensureSearchAttributes, hasSearchAttributes } from '../../../src/temporal/search-attributes';

let server: DevServer;
let connection: Connection;

before(async () => {
  server = await startDevServer({ uiPort: null, registerSearchAttributes: false });
  connection = await Connection.connect({ address: server.address });
});

after(async () => {
  await connection?.close();
  await server?.stop();
});

void describe('search attributes on an existing cluster', () => {
  void test('ensureSearchAttributes registers KycStatus once and is a no-op afterwards', async () => {
    assert.equal(await hasSearchAttributes(connection, 'default'), false);
    await ensureSearchAttributes(connection, 'default');
    assert.equal(await hasSearchAttributes(connection, 'default'), true);
    await ensureSearchAttributes(connection, 'default');
    const listed = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    assert.ok(listed.customAttributes?.KycStatus !== undefined);
  });
});
