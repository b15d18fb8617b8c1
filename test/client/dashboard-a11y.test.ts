/**
 * The demo dashboard for readers who zoom, use a screen reader or the keyboard, or ask for
 * reduced motion (a fresh tester's findings, WCAG 2.1): in Debian's chromium driven by
 * playwright-core, served by the reference server's `handleHttp` hook.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { dashboardHandler } from '../../src/client/dashboard/handler.js';
import { MemoryStreamStore, type StreamEntry } from '../../src/server/index.js';
import { findTool } from '../support/toolchain.js';
import { example } from './support/helpers.js';
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

  it('tells a screen reader the connection mode as it changes, in a polite live region, and not the countdown or counts (nothing was announced: a fresh tester); offline panels keep 4.5:1', async () => {
    const h = await harness({ handleHttp: dashboardHandler(), pollHoldMs: 2000, pingIntervalMs: 60_000 });
    browser = await launch();
    const page = await browser.newPage();
    // What the live region and the state said, every change, from before the page's script runs.
    await page.addInitScript(() => {
      const w = window as unknown as { told: string[]; states: string[] };
      w.told = [];
      w.states = [];
      addEventListener('DOMContentLoaded', () => {
        const watch = (id: string, into: string[]) => new MutationObserver(() => into.push(document.getElementById(id)!.textContent!)).observe(document.getElementById(id)!, { childList: true, characterData: true, subtree: true });
        watch('announce', w.told);
        watch('state', w.states);
      });
    });
    const told = () => page.evaluate(() => (window as unknown as { told: string[] }).told);
    await page.goto(`http://127.0.0.1:${h.port}/?token=${await sign('alice')}`);
    await expect.poll(() => badge(page), { timeout: 15_000 }).toBe('WebSocket');
    expect(await page.locator('#announce').getAttribute('role')).toBe('status');
    expect(await page.locator('[role="status"], [aria-live="polite"]').count()).toBe(1);
    const box = (await page.locator('#announce').boundingBox())!;
    expect(box.width <= 1 && box.height <= 1, 'for screen readers: not drawn').toBe(true);
    // Messages and counts: nothing more said.
    await h.trades(1, 3);
    await expect.poll(() => page.locator('#panel-trades .count').textContent(), { timeout: 15_000 }).toBe('3');
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    expect(await told()).toEqual(['connection WebSocket']);
    const online = await drawn(page, '#panel-trades .rows li');

    h.http.close();
    await h.stop();
    await expect.poll(() => badge(page), { timeout: 15_000 }).toBe('Offline');
    // The countdown and the attempts move the state on, three texts and more: said once, as Offline.
    await page.evaluate(() => ((window as unknown as { states: string[] }).states.length = 0));
    await expect.poll(async () => new Set(await page.evaluate(() => (window as unknown as { states: string[] }).states)).size, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    expect(await told()).toEqual(['connection WebSocket', 'connection Offline']);
    // Offline, the rows are dimmed (the last ones received), yet every text is 4.5:1 or more as drawn
    // (at opacity .55 each panel's count was 2.28:1 and its rows 4.51:1).
    for (const selector of ['#panel-trades .count', '#panel-trades .rows li', '#panel-trades h2']) {
      const { fg, bg, opacity } = await drawn(page, selector);
      expect([selector, opacity, contrast(fg, bg) >= 4.5]).toEqual([selector, 1, true]);
    }
    expect((await drawn(page, '#panel-trades .rows li')).fg, 'dimmed').not.toBe(online.fg);

    await h.start({ handleHttp: dashboardHandler(), pollHoldMs: 2000, pingIntervalMs: 60_000 });
    await expect.poll(() => badge(page), { timeout: 45_000 }).toBe('WebSocket');
    await expect.poll(async () => (await told()).at(-1)).toBe('connection WebSocket');
    const said = await told();
    // Back by polling first or by the socket: each change of mode once, none twice in a row.
    expect(said.slice(0, 2)).toEqual(['connection WebSocket', 'connection Offline']);
    expect(said.filter((text, i) => text === said[i - 1])).toEqual([]);
    expect(said.every((text) => /^connection (WebSocket|Polling|Offline)$/.test(text))).toBe(true);
    expect(await drawn(page, '#panel-trades .rows li')).toEqual(online);
  }, 120_000);

  it('labels the token input, seen beside it, and draws its placeholder at 4.5:1 (the placeholder was its only name, 3.52:1: a fresh tester)', async () => {
    const h = await harness({ handleHttp: dashboardHandler(), pollHoldMs: 2000, pingIntervalMs: 60_000 });
    browser = await launch();
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${h.port}/`);
    const input = page.locator('#login input[name="token"]');
    await expect.poll(() => input.isVisible(), { timeout: 15_000 }).toBe(true);
    // A name that stays once a token is pasted.
    expect(await input.evaluate((element: HTMLInputElement) => [...element.labels!].map((label) => label.textContent))).toEqual(['Token']);
    expect(await page.locator('#login label').isVisible()).toBe(true);
    await input.fill('half a token');
    expect(await page.locator('#login').ariaSnapshot()).toMatch(/textbox "Token"/);
    const placeholder = await input.evaluate((element) => ({ fg: getComputedStyle(element, '::placeholder').color, bg: getComputedStyle(element).backgroundColor }));
    expect(contrast(placeholder.fg, placeholder.bg)).toBeGreaterThanOrEqual(4.5);
  }, 60_000);

  it('gives the keyboard focus back to "switch token" when the token form closes: Escape, Cancel, Connect (it fell to the body: a fresh tester)', async () => {
    const h = await harness({ handleHttp: dashboardHandler(), pollHoldMs: 2000, pingIntervalMs: 60_000 });
    browser = await launch();
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${h.port}/?token=${await sign('alice')}`);
    await expect.poll(() => badge(page), { timeout: 15_000 }).toBe('WebSocket');
    const active = () => page.evaluate(() => document.activeElement!.id || document.activeElement!.getAttribute('name') || document.activeElement!.tagName);
    const formHidden = () => page.evaluate(() => document.getElementById('login')!.hidden);

    // Past the header's stops that are cut (the cursor: tEW F1) to the button.
    const stops: string[] = [];
    while (stops.length < 5 && stops.at(-1) !== 'switch') {
      await page.keyboard.press('Tab');
      stops.push(await active());
    }
    expect(stops.at(-1), stops.join(' ')).toBe('switch');
    expect(stops.slice(0, -1).every((stop) => stop.endsWith('-stat')), stops.join(' ')).toBe(true);
    await page.keyboard.press('Enter');
    expect(await active()).toBe('token');
    // Escape.
    await page.keyboard.type('half a token');
    await page.keyboard.press('Escape');
    expect([await formHidden(), await active()]).toEqual([true, 'switch']);
    // Cancel, by the keyboard: the input, Connect, Cancel.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await active()).toBe('cancel');
    await page.keyboard.press('Enter');
    expect([await formHidden(), await active()]).toEqual([true, 'switch']);
    // Connect with another token: the form closes once the server accepts it (alice's stream goes on until then: tID F1).
    await page.keyboard.press('Enter');
    await page.keyboard.type(await sign('bob'));
    await page.keyboard.press('Enter');
    await expect.poll(formHidden, { timeout: 15_000 }).toBe(true);
    expect(await active()).toBe('switch');
    await expect.poll(() => page.locator('#user').textContent(), { timeout: 15_000 }).toBe('bob');
    await expect.poll(() => badge(page), { timeout: 15_000 }).toBe('WebSocket');
    expect(await active()).toBe('switch');
  }, 60_000);

  it('lights no panel where the reader asked for reduced motion, and does again when they no longer ask (every panel blinked once a second: a fresh tester)', async () => {
    const h = await harness({ handleHttp: dashboardHandler(), pollHoldMs: 2000, pingIntervalMs: 60_000 });
    browser = await launch();
    const page = await (await browser.newContext({ reducedMotion: 'reduce' })).newPage();
    await page.goto(`http://127.0.0.1:${h.port}/?token=${await sign('alice')}`);
    await expect.poll(() => badge(page), { timeout: 15_000 }).toBe('WebSocket');
    // Every time the panel's class changes, whether it is lit.
    await page.locator('#panel-trades').evaluate((panel) => {
      const w = window as unknown as { lit: boolean[] };
      w.lit = [];
      new MutationObserver(() => w.lit.push(panel.classList.contains('flash'))).observe(panel, { attributes: true, attributeFilter: ['class'] });
    });
    const lit = () => page.evaluate(() => (window as unknown as { lit: boolean[] }).lit);
    const received = async (count: number) => {
      await expect.poll(() => page.locator('#panel-trades .count').textContent(), { timeout: 15_000 }).toBe(String(count));
      // The flash is put on in the frame after a message: two frames later it has been.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    };
    await h.trades(1, 1);
    await received(1);
    await h.trades(2, 1);
    await received(2);
    expect(await lit()).toEqual([]);
    expect(await page.locator('#panel-trades').evaluate((panel) => getComputedStyle(panel).animationName)).toBe('none');
    // The setting is read at each message.
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await h.trades(3, 1);
    await received(3);
    expect(await lit()).toContain(true);
  }, 60_000);

  it("shows the offline state whole, its HTTP status included, where the header has room, and cut, shows it whole to the keyboard and a tap (a 21em cap cut 'HTTP 503' at every width, 1920 px included; the rest was in a title no keyboard or touch user sees: a fresh tester)", async () => {
    const h = await harness({ handleHttp: dashboardHandler(), pollHoldMs: 2000, pingIntervalMs: 60_000 });
    browser = await launch();
    const page = await (await browser.newContext({ viewport: { width: 1920, height: 700 }, hasTouch: true })).newPage();
    // No socket, and polls answered 503, as by a proxy in front of a server that is down.
    await page.routeWebSocket(/.*/, (ws) => ws.close());
    await page.route('**/api/ws/poll**', (route) => route.fulfill({ status: 503, body: '{"error":"unavailable"}' }));
    await page.goto(`http://127.0.0.1:${h.port}/?token=${await sign('alice')}`);
    await expect.poll(() => page.locator('#state').textContent(), { timeout: 30_000 }).toMatch(/^retrying, socket in \d+ s, attempt \d+, HTTP 503$/);
    const look = () => page.evaluate(() => {
      const state = document.getElementById('state')!;
      return { cut: state.scrollWidth > state.clientWidth, stop: document.getElementById('state-stat')!.tabIndex === 0, focused: document.activeElement!.id };
    });
    // The state's text changes each second: set to its longest usual one with a status (two-digit attempt), for the widths below.
    const longest = 'retrying, socket in 25 s, attempt 10, HTTP 503';
    for (const width of [1920, 1280]) {
      await page.setViewportSize({ width, height: 700 });
      await page.evaluate((text) => (document.getElementById('state')!.textContent = text), longest);
      expect(await look(), `${width} px`).toMatchObject({ cut: false });
      // Whole, it is no stop for the keyboard (the next render says so).
      await expect.poll(async () => (await look()).stop, { timeout: 5_000 }).toBe(false);
    }
    // A phone: the state's line is narrower than it; cut, it is a stop for Tab and a tap, and shown whole when focused.
    await page.setViewportSize({ width: 390, height: 700 });
    await expect.poll(async () => await look(), { timeout: 5_000 }).toEqual({ cut: true, stop: true, focused: '' });
    const line = (await page.locator('#state-stat').boundingBox())!;
    await page.keyboard.press('Tab');
    expect(await look()).toEqual({ cut: false, stop: true, focused: 'state-stat' });
    const whole = (await page.locator('#state-stat').boundingBox())!;
    expect(whole.height, 'on more lines').toBeGreaterThan(line.height);
    expect(whole.x + whole.width).toBeLessThanOrEqual(390);
    // Next stop: the button; the state cut again.
    await page.keyboard.press('Tab');
    expect(await look()).toEqual({ cut: true, stop: true, focused: 'switch' });
    await page.locator('#state-stat').tap();
    expect(await look()).toEqual({ cut: false, stop: true, focused: 'state-stat' });
    expect(await page.locator('#state').textContent()).toMatch(/HTTP 503$/);
  }, 60_000);

  it('tells a screen reader a gap, in the polite live region, once per gap (a reconnect that lost messages was said as one that lost none: tBE)', async () => {
    const h = await harness({ handleHttp: dashboardHandler(), pollHoldMs: 2000, pingIntervalMs: 60_000 });
    browser = await launch();
    const page = await browser.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { told: string[] };
      w.told = [];
      addEventListener('DOMContentLoaded', () => new MutationObserver(() => w.told.push(document.getElementById('announce')!.textContent!)).observe(document.getElementById('announce')!, { childList: true, characterData: true, subtree: true }));
    });
    const told = () => page.evaluate(() => (window as unknown as { told: string[] }).told);
    await page.goto(`http://127.0.0.1:${h.port}/?token=${await sign('alice')}`);
    await expect.poll(() => badge(page), { timeout: 15_000 }).toBe('WebSocket');
    await h.trades(1, 1);
    await expect.poll(() => page.locator('#panel-trades .count').textContent(), { timeout: 15_000 }).toBe('1');
    // Back with its streams gone (a new store): a gap, each time.
    for (const gaps of [1, 2]) {
      await h.stop();
      await expect.poll(() => badge(page), { timeout: 15_000 }).toBe('Offline');
      await h.start({ store: new MemoryStreamStore(), handleHttp: dashboardHandler(), pollHoldMs: 2000, pingIntervalMs: 60_000 });
      await expect.poll(() => page.locator('#gaps').textContent(), { timeout: 45_000 }).toBe(String(gaps));
      // Over WebSocket or, when the last socket was lost within 10 s of opening (a loaded machine), polling first (README, Reconnection).
      await expect.poll(async () => (await told()).at(-1)).toMatch(/^connection (WebSocket|Polling), messages may have been lost$/);
      expect((await told()).filter((text) => text.includes('lost'))).toHaveLength(gaps);
    }
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const said = await told();
    // Nothing said twice in a row: the mode it came back over is not told again after the gap.
    expect(said.filter((text, i) => i > 0 && said[i - 1]!.startsWith(text))).toEqual([]);
  }, 120_000);

  it("shows a user's name cut by the header whole to the keyboard and a tap, as the state (maria.fernand… at every width, whole in a title no keyboard or touch user sees: tBE)", async () => {
    const h = await harness({ handleHttp: dashboardHandler(), pollHoldMs: 2000, pingIntervalMs: 60_000 });
    browser = await launch();
    const sub = 'maria.fernandez-lopez@desk.example.com';
    for (const width of [390, 1280]) {
      const page = await (await browser.newContext({ viewport: { width, height: 700 }, hasTouch: true })).newPage();
      await page.goto(`http://127.0.0.1:${h.port}/?token=${await sign(sub)}`);
      await expect.poll(() => badge(page), { timeout: 15_000 }).toBe('WebSocket');
      const look = () => page.evaluate(() => {
        const user = document.getElementById('user')!;
        const text = document.createRange();
        text.selectNodeContents(user);
        const box = user.getBoundingClientRect();
        return { whole: text.getBoundingClientRect().width <= box.width + 0.5 && box.right <= innerWidth, stop: document.getElementById('user-stat')!.tabIndex === 0, focused: document.activeElement!.id };
      });
      await expect.poll(look, { timeout: 5_000 }).toEqual({ whole: false, stop: true, focused: '' });
      await page.keyboard.press('Tab');
      expect(await look(), `${width} px`).toEqual({ whole: true, stop: true, focused: 'user-stat' });
      expect(await page.locator('#user').textContent()).toBe(sub);
      await page.keyboard.press('Tab');
      expect((await look()).whole, `${width} px, cut again`).toBe(false);
      await page.locator('#user-stat').tap();
      expect(await look(), `${width} px, tapped`).toEqual({ whole: true, stop: true, focused: 'user-stat' });
      await page.close();
    }
    // A short name is whole: no stop.
    const page = await browser.newPage({ viewport: { width: 390, height: 700 } });
    await page.goto(`http://127.0.0.1:${h.port}/?token=${await sign('alice')}`);
    await expect.poll(() => badge(page), { timeout: 15_000 }).toBe('WebSocket');
    expect(await page.locator('#user-stat').getAttribute('tabindex')).toBeNull();
  }, 60_000);

  it("shows a long user name whole on focus at 1280 px without covering the header's other items or pushing its button off the window (the state's label was drawn over \"messages\", switch token cut: tBH)", async () => {
    const h = await harness({ handleHttp: dashboardHandler(), pollHoldMs: 2000, pingIntervalMs: 60_000 });
    browser = await launch();
    const sub = 'maria.fernanda.rodriguez.de.la.cruz@example.com';
    for (const admin of [false, true]) {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
      await page.goto(`http://127.0.0.1:${h.port}/?token=${await sign(sub, 3600, { admin })}`);
      await expect.poll(() => badge(page), { timeout: 15_000 }).toBe('WebSocket');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement!.id)).toBe('user-stat');
      // Each shown item of the header: inside the window, its text inside its box, apart from the others.
      const faults = await page.evaluate(() => {
        const items = [...document.querySelectorAll('header > *')].filter((item) => (item as HTMLElement).offsetParent !== null) as HTMLElement[];
        const boxes = items.map((item) => ({ id: item.id || item.textContent!.trim().split(' ')[0]!, item, box: item.getBoundingClientRect() }));
        const found: string[] = [];
        for (const { id, item, box } of boxes) {
          if (box.left < 0 || box.right > innerWidth + 0.5) found.push(`${id} out of the window (${Math.round(box.left)}..${Math.round(box.right)})`);
          if (item.scrollWidth > item.clientWidth + 1) found.push(`${id} text ${item.scrollWidth} px wide in ${item.clientWidth} px`);
        }
        for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) {
          if (a.box.left < b.box.right - 0.5 && b.box.left < a.box.right - 0.5 && a.box.top < b.box.bottom - 0.5 && b.box.top < a.box.bottom - 0.5) found.push(`${a.id} over ${b.id}`);
        }
        return found;
      });
      expect(faults, admin ? 'admin' : 'user').toEqual([]);
      const user = page.locator('#user');
      expect(await user.evaluate((element) => element.scrollWidth <= element.clientWidth + 1)).toBe(true);
      await page.context().close();
    }
  }, 60_000);

  it("shows the cursor the header cuts whole to the keyboard and a tap, as the state and the user, within the window (mxc4l… at every width, whole in a title no keyboard or touch user sees: tEW F1)", async () => {
    const h = await harness({ handleHttp: dashboardHandler(), pollHoldMs: 2000, pingIntervalMs: 60_000 });
    browser = await launch();
    for (const width of [390, 1280]) {
      const page = await (await browser.newContext({ viewport: { width, height: 700 }, hasTouch: true })).newPage();
      await page.goto(`http://127.0.0.1:${h.port}/?token=${await sign('alice')}`);
      await expect.poll(() => badge(page), { timeout: 15_000 }).toBe('WebSocket');
      const [trade] = (await h.trades(1, 1)) as StreamEntry[];
      await expect.poll(() => page.locator('#panel-trades .count').textContent(), { timeout: 15_000 }).toBe('1');
      // The header follows in the next frame: read at once, its cursor was the one before the trade,
      // and the text moved on under the test (CI of stop 69).
      await expect.poll(() => page.locator('#cursor').getAttribute('title'), { timeout: 5_000 }).toBe(trade!.cursor);
      const cursor = trade!.cursor;
      expect(cursor.length).toBeGreaterThan(8);
      const look = () => page.evaluate(() => {
        const shown = document.getElementById('cursor')!;
        const text = document.createRange();
        text.selectNodeContents(shown);
        const box = shown.getBoundingClientRect();
        const button = document.getElementById('switch')!.getBoundingClientRect();
        return {
          whole: text.getBoundingClientRect().width <= box.width + 0.5 && box.right <= innerWidth,
          stop: document.getElementById('cursor-stat')!.tabIndex === 0,
          focused: document.activeElement!.id,
          buttonInWindow: button.right <= innerWidth + 0.5,
        };
      });
      await expect.poll(look, { timeout: 5_000 }).toEqual({ whole: false, stop: true, focused: '', buttonInWindow: true });
      // By Tab: a stop before the button.
      const stops: string[] = [];
      while (stops.length < 10 && !['cursor-stat', 'switch'].includes(stops.at(-1) ?? '')) {
        await page.keyboard.press('Tab');
        stops.push(await page.evaluate(() => document.activeElement!.id));
      }
      expect(stops.at(-1), `${width} px, stops ${stops.join(' ')}`).toBe('cursor-stat');
      expect(await look(), `${width} px`).toEqual({ whole: true, stop: true, focused: 'cursor-stat', buttonInWindow: true });
      expect(await page.locator('#cursor').textContent()).toBe(cursor);
      await page.keyboard.press('Tab');
      expect(await look(), `${width} px, cut again`).toMatchObject({ whole: false, focused: 'switch' });
      await page.locator('#cursor-stat').tap();
      expect(await look(), `${width} px, tapped`).toEqual({ whole: true, stop: true, focused: 'cursor-stat', buttonInWindow: true });
      await page.context().close();
    }
    // No cursor yet ("–"): whole, no stop.
    const page = await browser.newPage({ viewport: { width: 390, height: 700 } });
    await page.routeWebSocket(/.*/, (ws) => ws.close());
    await page.route('**/api/ws/poll**', (route) => route.fulfill({ status: 503, body: '{"error":"unavailable"}' }));
    await page.goto(`http://127.0.0.1:${h.port}/?token=${await sign('alice')}`);
    await expect.poll(() => page.locator('#state').textContent(), { timeout: 30_000 }).toMatch(/HTTP 503/);
    expect(await page.locator('#cursor').textContent()).toBe('–');
    expect(await page.locator('#cursor-stat').getAttribute('tabindex')).toBeNull();
  }, 90_000);

  it('keeps the header in view only where the window is tall enough: at 400 % zoom it scrolls away with the page (it stayed, two thirds of a 320×256 window: tBE)', async () => {
    const h = await harness({ handleHttp: dashboardHandler(), pollHoldMs: 2000, pingIntervalMs: 60_000 });
    browser = await launch();
    for (const [width, height, sticky] of [[320, 256, false], [480, 270, false], [1280, 800, true], [390, 700, true]] as const) {
      const page = await browser.newPage({ viewport: { width, height } });
      await page.goto(`http://127.0.0.1:${h.port}/?token=${await sign('alice')}`);
      await expect.poll(() => badge(page), { timeout: 15_000 }).toBe('WebSocket');
      // Rows enough to scroll at every size (a long session's panels).
      await page.evaluate(() => document.getElementById('panels')!.style.setProperty('padding-bottom', '3000px'));
      await page.evaluate(() => scrollTo(0, 200));
      const top = await page.evaluate(() => ({ scrolled: scrollY, top: document.querySelector('header')!.getBoundingClientRect().top }));
      expect(top, `${width}×${height}`).toEqual({ scrolled: 200, top: sticky ? 0 : -200 });
      await page.close();
    }
  }, 60_000);

  it('holds the rows still while the reader pauses (a toggle button, by keyboard too), and draws what came meanwhile when resumed (rows moved each second and left after 5 s, with no way to stop them: WCAG 2.2.2, tBE)', async () => {
    const h = await harness({ handleHttp: dashboardHandler(), pollHoldMs: 2000, pingIntervalMs: 60_000 });
    browser = await launch();
    const page = await browser.newPage({ viewport: { width: 320, height: 256 } });
    await page.goto(`http://127.0.0.1:${h.port}/?token=${await sign('alice')}`);
    await expect.poll(() => badge(page), { timeout: 15_000 }).toBe('WebSocket');
    const rows = () => page.locator('#panel-trades .rows li').allTextContents();
    const count = () => page.locator('#panel-trades .count').textContent();
    // Told apart by their quantity (1, 2, …).
    const base = example('trades') as { data: object };
    const trades = async (from: number, n: number) => {
      for (let q = from; q < from + n; q++) await h.server.publish('alice', { ...base, data: { ...base.data, id: `t${q}`, quantity: q } } as never);
    };
    await trades(1, 2);
    await expect.poll(count, { timeout: 15_000 }).toBe('2');
    const before = await rows();
    // By keyboard: a toggle button, at the panels' top.
    await page.locator('#pause').focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('#pause').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('button', { name: 'pause', pressed: true }).count()).toBe(1);
    await trades(3, 7);
    // Counted, not drawn: the rows stay as they were.
    await expect.poll(count, { timeout: 15_000 }).toBe('9');
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    expect(await rows()).toEqual(before);
    await page.keyboard.press('Space');
    expect(await page.locator('#pause').getAttribute('aria-pressed')).toBe('false');
    // The newest first, as they came: the last five of the nine.
    expect((await rows()).map((text) => text.split(' ')[2])).toEqual(['9', '8', '7', '6', '5']);
    // And live again.
    await trades(10, 1);
    await expect.poll(async () => (await rows())[0]!.split(' ')[2], { timeout: 15_000 }).toBe('10');
  }, 60_000);
});
