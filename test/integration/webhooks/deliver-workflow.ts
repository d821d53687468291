// Test-only workflow: runs the real deliverWebhook activity under a retry policy like the session workflow's,
// with a short initial interval so a retry happens within the test.
import { proxyActivities } from '@temporalio/workflow';
import type { WebhookEvent } from '../../../src/definitions';
import type { WebhookDeliveryResult } from '../../../src/activities/webhooks';

const { deliverWebhook } = proxyActivities<{
  deliverWebhook(e: WebhookEvent): Promise<WebhookDeliveryResult>;
}>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '2s', maximumAttempts: 5 },
});

export async function deliverOnce(event: WebhookEvent): Promise<WebhookDeliveryResult> {
  return deliverWebhook(event);
}
