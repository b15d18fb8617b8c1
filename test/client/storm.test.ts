/**
 * 1,000 clients reconnecting after a server restart, with and without full jitter: the peak
 * connection rate the server sees is measured and printed (speed itself is not asserted:
 * the figures go in the report). Asserted: every client comes back, without a storm of
 * repeated attempts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FakeServer } from './support/fake-server.js';
import { closeClients, nodeClient, until } from './support/helpers.js';

const CLIENTS = 1000;
const WINDOW_MS = 100;

interface Spread {
  jitter: boolean;
  attempts: number;
  peakPerWindow: number;
  spreadMs: number;
}

const results: Spread[] = [];

async function restartWith(jitter: boolean): Promise<Spread> {
  const server = await new FakeServer().start();
  try {
    const clients = Array.from({ length: CLIENTS }, () =>
      nodeClient(server.url, { polling: false, backoff: { baseMs: 1000, maxMs: 30_000, jitter, stableMs: 60_000 } }),
    );
    for (const client of clients) client.connect('good');
    await until(() => server.clients === CLIENTS, `${CLIENTS} clients connected`, 60_000);
    const before = server.upgrades.length;
    await server.stop();
    await server.start();
    await until(() => server.clients === CLIENTS, `${CLIENTS} clients reconnected`, 60_000);
    const times = server.upgrades.slice(before).map((u) => u.at);
    const first = Math.min(...times);
    const windows = new Map<number, number>();
    for (const t of times) windows.set(Math.floor((t - first) / WINDOW_MS), (windows.get(Math.floor((t - first) / WINDOW_MS)) ?? 0) + 1);
    return { jitter, attempts: times.length, peakPerWindow: Math.max(...windows.values()), spreadMs: Math.max(...times) - first };
  } finally {
    closeClients();
    await server.stop();
  }
}

describe('client: 1,000 clients reconnecting after a restart', () => {
  afterAll(() => {
    const rows = results.map((r) => `| ${r.jitter ? 'full jitter' : 'no jitter'} | ${r.attempts} | ${r.peakPerWindow} per ${WINDOW_MS} ms | ${r.spreadMs} ms |`);
    process.stdout.write(`\nreconnect storm, ${CLIENTS} clients, base 1 s:\n| backoff | upgrade attempts | peak rate | spread |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n`);
  });

  it('with full jitter they spread their attempts; without, they come at once (measured, printed)', async () => {
    for (const jitter of [true, false]) {
      const spread = await restartWith(jitter);
      results.push(spread);
      expect(spread.attempts).toBeGreaterThanOrEqual(CLIENTS);
      expect(spread.attempts).toBeLessThan(CLIENTS * 2);
    }
  }, 180_000);
});
