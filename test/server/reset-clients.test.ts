/**
 * Clients that reset their connection right after sending a request (tGU F1, F2): what is counted and logged for them.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sleep, startServer } from './helpers.js';

/**
 * Sends `request` on a new connection to `port` from another process and resets it at once, while this process's loop is held,
 * so that the server accepts the connection only after the reset (its peer address is then gone: getpeername's ENOTCONN).
 */
function resetBeforeAccepted(port: number, request: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'reset-'));
  const done = join(dir, 'done');
  const script = `const c = require('node:net').connect(${port}, '127.0.0.1', () => c.write(${JSON.stringify(request)}, () => setTimeout(() => { c.resetAndDestroy(); require('node:fs').writeFileSync(${JSON.stringify(done)}, ''); }, 20))); c.on('error', () => {});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  child.unref();
  // The loop is held (no accept) until the client has reset: bounded at 15 s.
  const deadline = Date.now() + 15_000;
  while (!existsSync(done) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
  rmSync(dir, { recursive: true, force: true });
  if (Date.now() >= deadline) throw new Error('the client process did not reset its connection within 15 s');
}

describe('a poll whose client reset its connection before the server accepted it', () => {
  it('is not served with no address (its line had no ip, the rate limit counted it under a shared "unknown"): the connection is ended unread', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = (line: object) => void lines.push(line as Record<string, unknown>);
    const server = await startServer({ allowedOrigins: '*', authenticate: async () => (await sleep(50), { userId: 'erin', admin: false }), jwt: undefined, logger: { info: log, warn: log, error: log } });
    try {
      for (let i = 0; i < 3; i++) resetBeforeAccepted(server.port, 'GET /api/ws/poll HTTP/1.1\r\nHost: x\r\n\r\n');
      // A poll after them is served, its line (none) and stats as they should be: every request the server read was seen by now.
      const response = await fetch(server.http('/api/ws/poll'));
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      expect(lines.filter((line) => line.event === 'poll-dropped')).toEqual([]);
      expect(lines.filter((line) => 'ip' in line && line.ip === undefined)).toEqual([]);
      expect(server.rt.stats().refusedPolls).toEqual({});
      expect(server.rt.stats().pollsServed).toBe(1);
    } finally {
      await server.rt.close();
    }
  });
});
