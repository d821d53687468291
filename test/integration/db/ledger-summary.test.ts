// The ledger's summary is the measured form of "no duplicate inference"; /metrics exposes it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { finishInferenceRun, ledgerSummary, startInferenceRun } from '../../../src/db/repositories';
import { openPgliteTestDb, uniqueId, type TestDb } from '../../helpers/db';

let t: TestDb;
before(async () => {
  t = await openPgliteTestDb();
});
after(async () => {
  await t?.close();
});

async function run(key: string, status: 'completed' | 'failed' | 'running'): Promise<void> {
  const id = await startInferenceRun(t.db, {
    idempotencyKey: key,
    sessionId: 'ses_ledger',
    workerId: uniqueId('holder'),
    activityAttempt: 1,
  });
  if (status !== 'running') await finishInferenceRun(t.db, id, { status });
}

void test('counts completed, failed, died and duplicate inferences per key', async () => {
  assert.deepEqual(await ledgerSummary(t.db), {
    keys: 0,
    completed: 0,
    duplicateInferences: 0,
    failed: 0,
    died: 0,
  });
  await run('fs_a', 'running'); // its holder vanished: no live claim names it
  await run('fs_a', 'completed');
  await run('fs_b', 'failed');
  await run('fs_b', 'completed');
  assert.deepEqual(await ledgerSummary(t.db), {
    keys: 2,
    completed: 2,
    duplicateInferences: 0,
    failed: 1,
    died: 1,
  });
  await run('fs_b', 'completed'); // what the claim protocol exists to prevent
  assert.equal((await ledgerSummary(t.db)).duplicateInferences, 1);
});
