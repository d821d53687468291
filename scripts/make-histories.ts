// Regenerates the committed workflow histories that test/replay replays: `npx tsx scripts/make-histories.ts`.
// Real workflows on a real dev server (TEMPORAL_ADDRESS, or an in-memory one started here), with the real
// activities over an embedded PGlite database, the real face engine and generated sample media.
// Re-run it when a workflow change is meant to be incompatible (and version the workflow instead if sessions
// may be running in production).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { createActivities } from '../src/activities';
import { migrateToLatest, openDatabase } from '../src/db/database';
import { LocalBlobStore } from '../src/storage/local-blob-store';
import { lazyFaceEngine } from '../src/workers/activity-deps';
import {
  createTestSession,
  fileRef,
  openTestTemporal,
  startTestWorkers,
  storeSampleMedia,
  submitFile,
  uniqueQueues,
  type TestQueues,
} from '../test/helpers/temporal';

const OUT_DIR = path.resolve(__dirname, '../test/replay/histories');

/** The session whose id starts with "retried" fails its first face-match attempt. */
class FailFirstAttemptOfRetried implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) {
    const { activityType, attempt, workflowExecution } = Context.current().info;
    const retried = workflowExecution?.workflowId.includes('retried') ?? false;
    if (activityType === 'checkFaceSimilarity' && attempt === 1 && retried) {
      throw ApplicationFailure.retryable('first attempt fails (history generation)', 'TransientFaceError');
    }
    return next(input);
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'kyc-histories-'));
  const temporal = await openTestTemporal();
  const db = await openDatabase({ databaseUrl: undefined, dataDir: work });
  await migrateToLatest(db);
  const blobs = new LocalBlobStore(path.join(work, 'blobs'));
  const engine = lazyFaceEngine();
  const activities = createActivities({
    db,
    blobs,
    faceEngine: engine.get,
    workerId: 'make-histories',
    claimLeaseSeconds: 30,
  });
  const queues: TestQueues = uniqueQueues();
  const workers = await startTestWorkers(temporal, {
    main: activities,
    face: activities,
    queues,
    faceInterceptors: { activity: [() => ({ inbound: new FailFirstAttemptOfRetried() })] },
  });
  const media = await storeSampleMedia(blobs, path.join(work, 'media'));
  const histories: Record<string, WorkflowHandle> = {};
  try {
    const approved = await createTestSession(db, { queues, prefix: 'approved' });
    histories.approved = (await submitFile(temporal.client, approved, media.idImage)).handle;
    await submitFile(temporal.client, approved, media.selfieVideo);
    await histories.approved.result();

    const retried = await createTestSession(db, { queues, prefix: 'retried' });
    histories.retried = (await submitFile(temporal.client, retried, media.selfieVideo)).handle;
    await submitFile(temporal.client, retried, media.idImage);
    await histories.retried.result();

    const expired = await createTestSession(db, { queues, prefix: 'expired', expiresInSeconds: 2 });
    histories.expired = (await submitFile(temporal.client, expired, fileRef('id_image'))).handle;
    await histories.expired.result();

    const canceled = await createTestSession(db, { queues, prefix: 'canceled' });
    histories.canceled = (await submitFile(temporal.client, canceled, fileRef('selfie_video'))).handle;
    await histories.canceled.cancel();
    await histories.canceled.result().catch(() => undefined);

    mkdirSync(OUT_DIR, { recursive: true });
    for (const [name, handle] of Object.entries(histories)) {
      const file = path.join(OUT_DIR, `${name}.json`);
      // The message's own toJSON (enum names, base64 bytes); test/replay/histories.ts reads it back with fromObject.
      // historyToJSON from @temporalio/common fails here: two copies of protobufjs in node_modules.
      writeFileSync(file, `${JSON.stringify(await handle.fetchHistory(), null, 2)}\n`);
      console.log(`wrote ${path.relative(process.cwd(), file)}`);
    }
  } finally {
    await workers.stop();
    await engine.dispose();
    await db.destroy();
    await temporal.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
