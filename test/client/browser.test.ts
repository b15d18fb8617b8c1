/**
 * The demo dashboard in a real browser (Debian's chromium driven by playwright-core), served
 * by the reference server's `handleHttp` hook: typed messages of every type render, the badge
 * goes WebSocket → Polling (upgrades refused) → WebSocket, and the counts match what the
 * server sent. A screenshot is saved under .scratch/client/ (ignored by git).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { dashboardHandler } from '../../src/client/dashboard/handler.js';
import { createRealtimeServer } from '../../src/server/index.js';
import { findTool } from '../support/toolchain.js';
import { example, STREAM_TYPES } from './support/helpers.js';
import { harness, SECRET, sign, stopHarnesses } from './support/reference.js';

const SHOTS = path.resolve(import.meta.dirname, '../../.scratch/client');

afterEach(stopHarnesses);

const chromiumTool = findTool('chromium');

describe.skipIf(!chromiumTool.available)(`demo dashboard on the reference server, in chromium ${chromiumTool.reason}`, () => {
  it('renders every type, shows WebSocket → Polling → WebSocket, and counts what the server sent', async () => {
    const h = await harness({ handleHttp: dashboardHandler(), pollHoldMs: 2000, pingIntervalMs: 1000 });
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      timeout: 30_000,
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const sent: Record<string, number> = {};
      const publishAll = async () => {
        for (const type of STREAM_TYPES) {
          const message = example(type) as never;
          if (type === 'whale' || type === 'system_health') await h.server.broadcast(message);
          else await h.server.publish('alice', message);
          sent[type] = (sent[type] ?? 0) + 1;
        }
      };
      const counts = async () => {
        const now = await page.evaluate(() => (window as unknown as { dashboard: { counts: Record<string, number> } }).dashboard.counts);
        return Object.fromEntries(STREAM_TYPES.map((t) => [t, now[t] ?? 0]));
      };
      const badge = () => page.locator('#badge').textContent();
      await page.goto(`http://127.0.0.1:${h.port}/?token=${await sign('alice')}`);
      await expect.poll(badge, { timeout: 15_000 }).toBe('WebSocket');
      await publishAll();
      await expect.poll(counts, { timeout: 15_000 }).toEqual(sent);
      // typed rendering: the trade's side, quantity, symbol and price from the spec example
      expect(await page.locator('#panel-trades .rows li').first().textContent()).toContain('buy 0.001 BTC-ZAR @ 850000');
      for (const type of STREAM_TYPES) expect(await page.locator(`#panel-${type} .rows li`).count()).toBe(1);
      h.refuseUpgrades = true;
      await h.server.close(); // a deploy: every socket gets 1001, and the proxy in front now refuses upgrades
      h.server = createRealtimeServer({ server: h.http, jwt: { secret: SECRET }, store: h.store, handleHttp: dashboardHandler(), pollHoldMs: 2000, pingIntervalMs: 1000 });
      await expect.poll(badge, { timeout: 20_000 }).toBe('Polling');
      await publishAll();
      await publishAll();
      await expect.poll(counts, { timeout: 15_000 }).toEqual(sent);
      h.refuseUpgrades = false;
      await expect.poll(badge, { timeout: 30_000 }).toBe('WebSocket');
      await publishAll();
      await expect.poll(counts, { timeout: 15_000 }).toEqual(sent);
      expect(Object.values(sent).every((n) => n === 4)).toBe(true);
      await expect.poll(() => page.locator('#rtt').textContent()).toMatch(/^\d+ ms$/);
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, 'dashboard.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
