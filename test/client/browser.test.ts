/**
 * The demo dashboard in a real browser (Debian's chromium driven by playwright-core): typed
 * messages of every type render, the badge goes WebSocket → Polling (upgrades refused) →
 * WebSocket, and the counts match what the server sent. A screenshot is saved under
 * .scratch/client/ (ignored by git).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardHandler } from '../../src/client/dashboard/handler.js';
import { findTool } from '../support/toolchain.js';
import { FakeServer } from './support/fake-server.js';
import { example, STREAM_TYPES } from './support/helpers.js';

const tool = findTool('chromium');
const SHOTS = path.resolve(import.meta.dirname, '../../.scratch/client');

describe.skipIf(!tool.available)(`client: demo dashboard in chromium ${tool.reason}`, () => {
  let browser: Browser;
  let server: FakeServer;
  let page: Page;

  beforeAll(async () => {
    server = await new FakeServer({ handleHttp: dashboardHandler(), pollHoldMs: 2000, pingIntervalMs: 1000 }).start();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      timeout: 30_000,
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const badge = () => page.locator('#badge');
  const counts = () => page.evaluate(() => (window as unknown as { dashboard: { counts: Record<string, number> } }).dashboard.counts);
  const sent: Record<string, number> = {};
  const publishAll = () => {
    for (const type of STREAM_TYPES) {
      server.publish(example(type));
      sent[type] = (sent[type] ?? 0) + 1;
    }
  };
  const countsMatch = async () => {
    await expect
      .poll(async () => {
        const now = await counts();
        return Object.fromEntries(STREAM_TYPES.map((t) => [t, now[t] ?? 0]));
      }, { timeout: 15_000 })
      .toEqual(sent);
  };

  it('renders every type, shows WebSocket → Polling → WebSocket, and counts what was sent', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.httpUrl}/?token=good`);
    await expect.poll(() => badge().textContent(), { timeout: 15_000 }).toBe('WebSocket');

    publishAll();
    await countsMatch();
    // typed rendering: the trade's side, quantity, symbol and price from the spec example
    await expect.poll(() => page.locator('#panel-trades .rows li').first().textContent()).toContain('buy 0.001 BTC-ZAR @ 850000');
    for (const type of STREAM_TYPES) expect(await page.locator(`#panel-${type} .rows li`).count()).toBe(1);

    server.refuseUpgrades = 400;
    server.closeAll(1001, 'restart');
    await expect.poll(() => badge().textContent(), { timeout: 15_000 }).toBe('Polling');
    publishAll();
    publishAll();
    await countsMatch();
    expect(await badge().textContent()).toBe('Polling');

    server.refuseUpgrades = false;
    await expect.poll(() => badge().textContent(), { timeout: 30_000 }).toBe('WebSocket');
    publishAll();
    await countsMatch();
    expect(Object.values(sent).every((n) => n === 4)).toBe(true);
    expect(await page.locator('#rtt').textContent()).toMatch(/^\d+ ms$/);

    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'dashboard.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
