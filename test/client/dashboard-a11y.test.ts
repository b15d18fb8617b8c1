/**
 * The demo dashboard for readers who zoom, use a screen reader or the keyboard, or ask for
 * reduced motion (a fresh tester's findings, WCAG 2.1): in Debian's chromium driven by
 * playwright-core, served by the reference server's `handleHttp` hook.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { dashboardHandler } from '../../src/client/dashboard/handler.js';
import { findTool } from '../support/toolchain.js';
import { harness, sign, stopHarnesses } from './support/reference.js';

afterEach(stopHarnesses);

const chromiumTool = findTool('chromium');
const launch = () => chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'], timeout: 30_000 });
const badge = (page: Page) => page.locator('#badge').textContent();

/** WCAG's contrast ratio of two computed `rgb(…)` colours (opaque). */
function contrast(a: string, b: string): number {
  const luminance = (colour: string) => {
    const [r, g, bl] = colour.match(/[\d.]+/g)!.slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** A text's colour and its panel's background as drawn: with every opacity on the way up (an opacity below 1 blends both into the page). */
const drawn = (page: Page, selector: string) =>
  page.locator(selector).first().evaluate((element) => {
    let opacity = 1;
    for (let e: Element | null = element; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
    return { fg: getComputedStyle(element).color, bg: getComputedStyle(element.closest('.panel')!).backgroundColor, opacity };
  });

describe.skipIf(!chromiumTool.available)(`demo dashboard accessibility, in chromium ${chromiumTool.reason}`, () => {
  let browser: Browser | undefined;
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });

  it('reflows at 320 px (400 % zoom of a 1280 px window): no sideways scroll, every count in view (panels were 352 px wide: a fresh tester)', async () => {
    const h = await harness({ handleHttp: dashboardHandler(), pollHoldMs: 2000, pingIntervalMs: 60_000 });
    browser = await launch();
    const token = await sign('alice');
    for (const [width, height, deviceScaleFactor] of [[320, 640, 1], [320, 200, 4]] as const) {
      const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor });
      await page.goto(`http://127.0.0.1:${h.port}/?token=${token}`);
      await expect.poll(() => badge(page), { timeout: 15_000 }).toBe('WebSocket');
      await h.trades(1, 1);
      await expect.poll(() => page.locator('#panel-trades .count').textContent(), { timeout: 15_000 }).toBe('1');
      const fits = () => page.evaluate(() => ({
        page: document.documentElement.scrollWidth <= innerWidth,
        panels: [...document.querySelectorAll('.panel, .panel .count')].filter((e) => e.getBoundingClientRect().right > innerWidth).map((e) => e.id || e.className),
      }));
      expect(await fits(), `${width}×${height} @${deviceScaleFactor}`).toEqual({ page: true, panels: [] });
      // The token form too, with its label, input and buttons.
      await page.locator('#switch').click();
      expect(await fits(), `${width}×${height} @${deviceScaleFactor}, form open`).toEqual({ page: true, panels: [] });
      expect((await page.locator('#login input[name="token"]').boundingBox())!.width).toBeGreaterThan(150);
      await page.close();
    }
  }, 60_000);

});
