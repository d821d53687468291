// A real applicant journey: Chromium opens the capture link, uploads an ID card image, records the selfie from a
// fake camera playing a clip of the same person, and shows the decision made by the real face engine.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { webhookEventIdFor } from '../../src/definitions';
import { makeSelfieVideo, samplePair } from '../../src/face/testmedia';
import { startReceiver, type TestReceiver } from '../integration/webhooks/receiver';
import { accessibilityProblems } from './a11y';
import { browserSkipReason, launchChromium } from './browser';
import { browserMedia, screenshotPath, type BrowserMedia } from './media';
import { startE2EStack, type E2EStack } from './stack';

interface SessionBody {
  id: string;
  status: string;
  captureUrl: string;
  decision: { outcome: string; similarity: number | null; reasons: string[] } | null;
  files: Record<string, { mediaType: string }>;
}

void describe('capture page in a real browser', { skip: browserSkipReason() }, () => {
  let stack: E2EStack;
  let media: BrowserMedia;
  let browser: Browser;
  let receiver: TestReceiver;

  before(async () => {
    media = await browserMedia();
    stack = await startE2EStack();
    // The tenant hears about the outcome too: a fresh secret (rotation keeps older ones signing as well).
    const rotated = await stack.api('POST', '/v1/webhook/rotate-secret');
    const secret = (rotated.body as { secret: string }).secret;
    receiver = await startReceiver([secret], [500]); // fails the first delivery: the workflow must retry it
    assert.equal((await stack.api('PUT', '/v1/webhook', { url: receiver.url })).status, 200);
    browser = await launchChromium({ fakeCameraY4m: media.cameraY4m });
  });

  after(async () => {
    await browser?.close();
    if (stack) {
      await stack.api('DELETE', '/v1/webhook');
      await stack.api('DELETE', '/v1/webhook/secrets/0');
      await stack.close();
    }
    await receiver?.close();
  });

  void test(
    'ID photo + recorded selfie of the same person -> approved, shown on the page',
    { timeout: 600_000 },
    async () => {
      const created = await stack.api('POST', '/v1/sessions', { reference: 'e2e-capture' });
      assert.equal(created.status, 201);
      const session = created.body as SessionBody;
      assert.match(session.captureUrl, new RegExp(`/capture/${session.id}#token=ut_`));

      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(String(e)));
      await page.goto(session.captureUrl);
      await page.getByRole('heading', { name: 'Photograph your ID card' }).waitFor();
      assert.ok(!page.url().includes('token='), 'the token is dropped from the address bar');

      await page.setInputFiles('#id-file', media.idImage);
      await page.getByRole('button', { name: 'Use this photo' }).click();

      await page.getByRole('heading', { name: 'Record a short selfie video' }).waitFor();
      await page.getByRole('button', { name: 'Start camera' }).click();
      await page.getByRole('button', { name: /Record$/ }).waitFor();
      await page.waitForTimeout(800); // let the fake camera deliver a frame for the screenshot
      await page.screenshot({ path: screenshotPath('capture-camera.png') });
      assert.deepEqual(await accessibilityProblems(page), [], 'selfie step passes axe (WCAG 2.1 A/AA)');
      await page.getByRole('button', { name: /Record$/ }).click();
      await page.getByRole('button', { name: 'Use this video' }).click({ timeout: 30_000 });

      const status = page.locator('#view-status');
      await status.waitFor();
      await page.waitForFunction(
        () =>
          !['processing', 'awaiting_files', undefined].includes(
            document.getElementById('view-status')?.dataset.status,
          ),
        undefined,
        { timeout: 540_000, polling: 500 },
      );
      const shown = await status.getAttribute('data-status');
      await page.screenshot({ path: screenshotPath('capture.png') });
      const final = (await stack.api('GET', `/v1/sessions/${session.id}`)).body as SessionBody;
      assert.equal(shown, final.status, 'the page shows the status the API reports');
      assert.equal(final.status, 'approved', `decision: ${JSON.stringify(final.decision)}`);
      assert.equal(await page.getByRole('heading', { name: 'You are verified' }).count(), 1);
      assert.deepEqual(await accessibilityProblems(page), [], 'result step passes axe (WCAG 2.1 A/AA)');
      assert.equal(
        final.files.selfie_video?.mediaType,
        'video/webm',
        'MediaRecorder output reached the engine as WebM',
      );
      assert.deepEqual(problems, []);

      // The real workflow's retry policy redelivers after the 500: same event id, valid signature again.
      const calls = await receiver.waitForCalls(2, 90_000);
      const eventId = webhookEventIdFor(session.id, 'approved');
      assert.deepEqual(
        calls.slice(0, 2).map((c) => [c.eventId, c.verified, c.answered]),
        [
          [eventId, true, 500],
          [eventId, true, 200],
        ],
      );
      const attemptsOf = () =>
        stack.runtime.db
          .selectFrom('webhook_deliveries')
          .select(['attempt', 'status_code'])
          .where('event_id', '=', eventId)
          .orderBy('attempt')
          .execute();
      let attempts = await attemptsOf();
      // The activity records an attempt just after the receiver answers it.
      for (let i = 0; i < 50 && attempts.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
        attempts = await attemptsOf();
      }
      assert.deepEqual(attempts, [
        { attempt: 1, status_code: 500 },
        { attempt: 2, status_code: 200 },
      ]);
    },
  );

  void test(
    'kyc verify --json uploads both files through the API and prints the decision',
    { timeout: 600_000 },
    async () => {
      const pair = samplePair();
      const selfie = await makeSelfieVideo(
        pair.photos.slice(1, 4),
        path.join(os.tmpdir(), 'kyc-e2e-media', 'verify.mp4'),
      );
      const bin = path.resolve(__dirname, '../../bin/kyc.js');
      const args = [
        'verify',
        '--id-image',
        media.idImage,
        '--selfie-video',
        selfie,
        '--api',
        stack.url,
        '--json',
      ];
      const { stdout } = await promisify(execFile)(process.execPath, [bin, ...args], {
        env: { ...process.env, KYC_API_KEY: stack.auth.apiKey.value },
        timeout: 540_000,
      });
      const out = JSON.parse(stdout.trim()) as {
        sessionId: string;
        status: string;
        decision: { outcome: string };
      };
      assert.equal(out.status, 'approved', stdout);
      assert.equal(out.decision.outcome, 'approved');
      const viaApi = (await stack.api('GET', `/v1/sessions/${out.sessionId}`)).body as SessionBody;
      assert.equal(viaApi.status, 'approved');
    },
  );

  void test('a file that is not a photo gets a plain-words problem and a retake', async () => {
    const created = (await stack.api('POST', '/v1/sessions', { reference: 'e2e-bad-file' }))
      .body as SessionBody;
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(created.captureUrl);
    await page.setInputFiles('#id-file', {
      name: 'card.jpg',
      mimeType: 'image/jpeg',
      buffer: Buffer.from('not an image at all'),
    });
    await page.getByRole('button', { name: 'Use this photo' }).click();
    const alert = page.getByRole('alert');
    await alert.getByText('We cannot read that kind of file').waitFor();
    await alert.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('button', { name: 'Take a photo' }).waitFor();
    assert.equal(await alert.isVisible(), false);
    await page.close();
  });

  void test('a declined session shows its reasons in plain words', { timeout: 600_000 }, async () => {
    const pair = samplePair();
    const impostorClip = await makeSelfieVideo(
      pair.impostorPhotos.slice(0, 3),
      path.join(os.tmpdir(), 'kyc-e2e-media', 'impostor.mp4'),
    );
    const created = (await stack.api('POST', '/v1/sessions', { reference: 'e2e-declined' }))
      .body as SessionBody;
    for (const [kind, file] of [
      ['id_image', media.idImage],
      ['selfie_video', impostorClip],
    ] as const) {
      const res = await fetch(`${stack.url}/v1/sessions/${created.id}/files/${kind}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${stack.auth.apiKey.value}` },
        body: readFileSync(file),
      });
      assert.equal(res.status, 202);
    }
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(created.captureUrl);
    await page.getByRole('heading', { name: 'We could not verify you' }).waitFor({ timeout: 180_000 });
    await page.getByText('The face in the video does not match the face on the ID card.').waitFor();
    await page.screenshot({ path: screenshotPath('capture-declined.png') });
    await page.close();
  });
});
