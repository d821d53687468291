// An operator signs in to the console, finds a session the real face engine put in needs_review, approves it with a
// comment and sees the outcome and the audit (who, when, why). The review band is widened for this stack through
// the engine's threshold settings, so a genuine pair lands in review without any fake decision.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { makeSelfieVideo, samplePair } from '../../src/face/testmedia';
import { accessibilityProblems } from './a11y';
import { browserSkipReason, launchChromium } from './browser';
import { browserMedia, screenshotPath } from './media';
import { startE2EStack, type E2EStack } from './stack';

interface SessionBody {
  id: string;
  status: string;
  decision: {
    outcome: string;
    similarity: number | null;
    reasons: string[];
    review?: { reviewer: string; comment: string; decision: string };
  } | null;
}

async function upload(stack: E2EStack, id: string, kind: string, file: string): Promise<void> {
  const res = await fetch(`${stack.url}/v1/sessions/${id}/files/${kind}`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${stack.auth.apiKey.value}`,
      'content-type': 'application/octet-stream',
    },
    body: readFileSync(file),
  });
  assert.equal(res.status, 202, await res.text());
}

async function waitForStatus(stack: E2EStack, id: string, wanted: string): Promise<SessionBody> {
  for (;;) {
    const s = (await stack.api('GET', `/v1/sessions/${id}`)).body as SessionBody;
    if (s.status === wanted) return s;
    if (!['awaiting_files', 'processing'].includes(s.status)) {
      throw new Error(`session ${id} ended ${s.status} instead of ${wanted}: ${JSON.stringify(s.decision)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

void describe('operator console in a real browser', { skip: browserSkipReason() }, () => {
  let stack: E2EStack;
  let browser: Browser;

  before(async () => {
    // Approve only at near-identity, decline only far apart: an ordinary genuine pair falls in between.
    stack = await startE2EStack({ face: { thresholdDecline: 0.2, thresholdApprove: 0.99 } });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  void test(
    'sign in, find the needs_review session, approve it with a comment, see the audit',
    { timeout: 600_000 },
    async () => {
      const media = await browserMedia();
      const pair = samplePair();
      const selfie = await makeSelfieVideo(
        pair.photos.slice(1, 4),
        path.join(os.tmpdir(), 'kyc-e2e-media', 'review.mp4'),
      );
      const reference = `e2e-console-${Date.now().toString(36)}`;
      const created = await stack.api('POST', '/v1/sessions', { reference });
      const id = (created.body as { id: string }).id;
      await upload(stack, id, 'id_image', media.idImage);
      await upload(stack, id, 'selfie_video', selfie);
      const pending = await waitForStatus(stack, id, 'needs_review');
      assert.ok(pending.decision?.reasons.includes('SIMILARITY_UNCERTAIN'), JSON.stringify(pending.decision));

      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(String(e)));
      await page.goto(`${stack.url}/console`);
      await page.getByRole('heading', { name: 'Operator sign-in' }).waitFor();
      assert.deepEqual(await accessibilityProblems(page), [], 'sign-in passes axe (WCAG 2.1 A/AA)');
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password').fill(stack.operatorPassword);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Sessions' }).waitFor();
      assert.deepEqual(await accessibilityProblems(page), [], 'session list passes axe (WCAG 2.1 A/AA)');

      await page.getByLabel('Status').selectOption('needs_review');
      await page.getByLabel('Search').fill(reference);
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.getByRole('link', { name: id }).click();

      await page.getByRole('heading', { name: 'Manual review' }).waitFor();
      await page.locator('#s-timeline li', { hasText: 'Face match completed' }).waitFor();
      assert.ok(await page.getByRole('img', { name: 'ID image' }).isVisible());
      assert.ok(
        (await page.getByRole('img', { name: /Best selfie frame/ }).count()) >= 1,
        'best frames shown',
      );
      const temporalLink = await page.getByRole('link', { name: /Temporal Web UI/ }).getAttribute('href');
      assert.ok(temporalLink?.includes(encodeURIComponent(`kyc-session-${id}`)), String(temporalLink));

      // The comment is required: approving without one is refused on the page.
      await page.getByRole('button', { name: 'Approve' }).click();
      await page.getByText('Write a comment').waitFor();

      const comment = 'Same person: ID photo and selfie agree on face shape and features.';
      await page.getByLabel('Comment (required)').fill(comment);
      await page.getByRole('button', { name: 'Approve' }).click();
      await page.getByRole('heading', { name: 'Review audit' }).waitFor();
      await page.locator('#s-status.approved').waitFor();
      const audit = await page.locator('#audit').innerText();
      assert.match(audit, /Approved/);
      assert.match(audit, /admin/);
      assert.ok(audit.includes(comment));
      await page.locator('#s-timeline li', { hasText: 'Review submitted' }).waitFor();
      await page.screenshot({ path: screenshotPath('console.png'), fullPage: true });
      assert.deepEqual(await accessibilityProblems(page), [], 'session page passes axe (WCAG 2.1 A/AA)');

      const final = (await stack.api('GET', `/v1/sessions/${id}`)).body as SessionBody;
      assert.equal(final.status, 'approved');
      assert.equal(final.decision?.review?.reviewer, 'admin');
      assert.equal(final.decision?.review?.comment, comment);
      const row = await stack.runtime.db
        .selectFrom('reviews')
        .selectAll()
        .where('session_id', '=', id)
        .executeTakeFirst();
      assert.equal(row?.reviewer, 'admin');
      assert.equal(row?.decision, 'approve');
      assert.deepEqual(problems, []);
    },
  );
});
