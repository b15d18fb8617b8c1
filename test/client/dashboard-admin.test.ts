/**
 * The demo dashboard on an admin's token (every user's stream), in Debian's chromium driven by
 * playwright-core, served by the reference server's `handleHttp` hook: a row says whose it is.
 */
import { chromium, type Browser } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { dashboardHandler } from '../../src/client/dashboard/handler.js';
import type { TradesMessage } from '../../src/index.js';
import { findTool } from '../support/toolchain.js';
import { example } from './support/helpers.js';
import { harness, sign, stopHarnesses } from './support/reference.js';

afterEach(stopHarnesses);

const chromiumTool = findTool('chromium');

describe.skipIf(!chromiumTool.available)(`demo dashboard, admin view, in chromium ${chromiumTool.reason}`, () => {
  let browser: Browser | undefined;
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });

  // tGJ F7: two users' rows of the same second read as one row shown twice; a user's own view is unchanged.
  it("names on an admin's token the bot each trade row is from (its id names the user in the demo), and not on a user's", async () => {
    const h = await harness({ handleHttp: dashboardHandler(), pollHoldMs: 2000, pingIntervalMs: 60_000 });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'], timeout: 30_000 });
    const base = example('trades') as unknown as TradesMessage;
    const rows = async (token: string, users: string[]) => {
      const page = await browser!.newPage();
      await page.goto(`http://127.0.0.1:${h.port}/?token=${token}`);
      await expect.poll(() => page.locator('#badge').textContent(), { timeout: 15_000 }).toBe('WebSocket');
      for (const user of users) await h.server.publish(user, { ...base, data: { ...base.data, id: `t_${user}`, bot_id: `bot_${user}_1` } });
      await expect.poll(() => page.locator('#panel-trades .count').textContent(), { timeout: 15_000 }).toBe(String(users.length));
      const texts = await page.locator('#panel-trades .rows li').allTextContents();
      await page.close();
      return texts.map((text) => text.replace(/^\S+ /, '')).sort();
    };
    const summary = `${base.data.side} ${base.data.quantity} ${base.data.symbol} @ ${base.data.price} on ${base.data.platform} — ${base.data.status}`;
    const admin = await rows(await sign('admin', 3600, { admin: true }), ['alice', 'bob']);
    expect(admin.map((text) => text.slice(0, text.indexOf(summary)))).toEqual(['bot_alice_1: ', 'bot_bob_1: ']);
    const alice = await rows(await sign('alice'), ['alice']);
    expect(alice[0]!.startsWith(summary)).toBe(true);
  }, 60_000);
});
