import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WebSocket } from 'ws';
import { createRealtimeClient, type RealtimeClient, type RealtimeClientOptions } from '../../../src/client/index.js';

const SPEC = path.resolve(import.meta.dirname, '../../fixtures/valid/spec');

/** The spec's example of `type` (test/fixtures/valid/spec), without a cursor. */
export function example(type: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(SPEC, `${type}.json`), 'utf8')) as Record<string, unknown>;
}

/** Types the server publishes to users or everyone (audience user or global). */
export const STREAM_TYPES = ['trades', 'bots', 'balances', 'decisions', 'metrics', 'whale', 'alerts', 'system_health', 'wallet', 'ai_tasks'] as const;

/** Waits until `check()` is true, polling every 10 ms; fails with `what` after `ms` (a bound, not a speed assertion). */
export async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Node client on `ws` with short timings, tracked so `closeClients()` disconnects it. */
const clients = new Set<RealtimeClient>();
export function nodeClient(url: string, options: RealtimeClientOptions = {}): RealtimeClient {
  const client = createRealtimeClient({ url, WebSocket, backoff: { baseMs: 50, maxMs: 400, stableMs: 500 }, ...options });
  clients.add(client);
  return client;
}

export function closeClients(): void {
  for (const client of clients) client.disconnect();
  clients.clear();
}

/**
 * A browser's window, as far as the client looks at it (`addEventListener` for `online`,
 * `offline`, `visibilitychange`), installed on globalThis: dispatch those events on the target
 * returned. `restore()` removes it again.
 */
export function browserWindow(): { win: EventTarget; restore: () => void } {
  const win = new EventTarget();
  const g = globalThis as unknown as Record<string, unknown>;
  g.addEventListener = win.addEventListener.bind(win);
  g.removeEventListener = win.removeEventListener.bind(win);
  return {
    win,
    restore: () => {
      delete g.addEventListener;
      delete g.removeEventListener;
    },
  };
}
