// Launches Debian's Chromium through Playwright, the way every script and test
// of the lab does: headless, no sandbox (root), and quiet on a closed network.
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps trying to reach
// Google's services, which a closed network refuses, and logs each refusal.
const FLAGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A headless Chromium with a fresh profile; `args`, flags beyond the lab's own.
 * @param {{ args?: string[] }} [options]
 */
export function launchChromium({ args = [] } = {}) {
  return chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, ...args], chromiumSandbox: false });
}
