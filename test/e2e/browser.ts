// Debian's Chromium driven by playwright-core (never `npx playwright install`). The fake camera plays a .y4m file.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A reason to skip browser tests, or false when Chromium is installed. */
export function browserSkipReason(): string | false {
  return existsSync(CHROMIUM_PATH)
    ? false
    : `Chromium not found at ${CHROMIUM_PATH}: install it with "apt-get install -y chromium" (CI does)`;
}

export async function launchChromium(opts: { fakeCameraY4m?: string } = {}): Promise<Browser> {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-dev-shm-usage',
  ];
  if (opts.fakeCameraY4m !== undefined) {
    args.push(
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${opts.fakeCameraY4m}`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args, headless: true });
}
