import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createWebhookActivities } from '../../../src/activities/webhooks';
import { webhookEventIdFor, type WebhookEvent } from '../../../src/definitions';
import { generateWebhookSecret, verifyKycSignature } from '../../../src/webhooks';
import { openTestDb, uniqueId, type TestDb } from '../../helpers/db';
import { startReceiver } from './receiver';
import type { deliverOnce } from './deliver-workflow';

const address = process.env.TEMPORAL_ADDRESS;

void describe(
  'webhook delivery through Temporal retries',
  { skip: address ? false : 'TEMPORAL_ADDRESS unset (run via npm test)' },
  () => {
    let tdb: TestDb;
    let worker: Worker;
    let running: Promise<void>;
    let client: Client;
    let connection: Connection;
    const taskQueue = uniqueId('webhooks-test');

    before(async () => {
      tdb = await openTestDb();
      const nativeConnection = await NativeConnection.connect({ address: address as string });
      worker = await Worker.create({
        connection: nativeConnection,
        taskQueue,
        workflowsPath: require.resolve('./deliver-workflow'),
        activities: createWebhookActivities({ db: tdb.db, webhooks: { timeoutSeconds: 5 } }),
      });
      running = worker.run();
      connection = await Connection.connect({ address: address as string });
      client = new Client({ connection });
    });

    after(async () => {
      worker.shutdown();
      await running;
      await connection.close();
      await tdb.close();
    });

    async function tenantWithWebhook(url: string | null, secrets: string[]): Promise<string> {
      const id = uniqueId('tenant');
      await tdb.db
        .insertInto('tenants')
        .values({ id, name: id, webhook_url: url, webhook_secrets: JSON.stringify(secrets) })
        .execute();
      return id;
    }

    function eventFor(tenantId: string): WebhookEvent {
      const sessionId = uniqueId('ses');
      return {
        id: webhookEventIdFor(sessionId, 'approved'),
        sessionId,
        tenantId,
        status: 'approved',
        decision: { outcome: 'approved', similarity: 0.91, liveness: null, reasons: [] },
        occurredAt: new Date().toISOString(),
      };
    }

    const deliver = (event: WebhookEvent) =>
      client.workflow.execute<typeof deliverOnce>('deliverOnce', {
        taskQueue,
        workflowId: uniqueId('wh'),
        args: [event],
      });

    void test('a 500 is retried by Temporal with the same event id and a valid signature each time', async () => {
      const secret = generateWebhookSecret();
      const receiver = await startReceiver([secret], [500, 200]);
      try {
        const event = eventFor(await tenantWithWebhook(receiver.url, [secret]));
        const result = await deliver(event);
        assert.deepEqual(result, { delivered: true, statusCode: 200, attempt: 2 });
        assert.equal(receiver.calls.length, 2);
        assert.deepEqual(
          receiver.calls.map((c) => [c.eventId, c.verified, c.answered]),
          [
            [event.id, true, 500],
            [event.id, true, 200],
          ],
        );
        const body = JSON.parse(receiver.calls[1]?.body ?? '{}') as Record<string, unknown>;
        assert.deepEqual(Object.keys(body).sort(), ['decision', 'id', 'occurredAt', 'sessionId', 'status']);
        const rows = await tdb.db
          .selectFrom('webhook_deliveries')
          .select(['event_id', 'attempt', 'status_code', 'error'])
          .where('session_id', '=', event.sessionId)
          .orderBy('attempt')
          .execute();
        assert.deepEqual(rows, [
          { event_id: event.id, attempt: 1, status_code: 500, error: 'HTTP 500' },
          { event_id: event.id, attempt: 2, status_code: 200, error: null },
        ]);
      } finally {
        await receiver.close();
      }
    });

    void test('during rotation one delivery verifies with the old secret and with the new one', async () => {
      const [oldSecret, newSecret] = [generateWebhookSecret(), generateWebhookSecret()];
      const oldReceiver = await startReceiver([oldSecret], [200]);
      try {
        const tenantId = await tenantWithWebhook(oldReceiver.url, [newSecret, oldSecret]);
        await deliver(eventFor(tenantId));
        const call = oldReceiver.calls[0];
        assert.ok(call?.verified, 'a receiver still on the old secret accepts the event');
        assert.equal(verifyKycSignature(call.body, call.signature, [newSecret]), true);
        assert.equal(verifyKycSignature(call.body, call.signature, [generateWebhookSecret()]), false);
      } finally {
        await oldReceiver.close();
      }
    });

    void test('a tenant without a webhook URL is skipped, not retried', async () => {
      const result = await deliver(eventFor(await tenantWithWebhook(null, [])));
      assert.deepEqual(result, { delivered: false, skipped: 'NO_WEBHOOK_URL' });
    });
  },
);
