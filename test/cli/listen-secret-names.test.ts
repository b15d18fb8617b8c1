/**
 * `listen` reads a query parameter's name with the server's rule (`isSecretName`): a password's short spelling or a
 * name in any case is redacted in what it prints, and an ordinary glued key's value is shown, in the URL and where
 * the server echoes it (tCY F2, F3, F4). A real `ws` server on 127.0.0.1 (port 0), the CLI in a child process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runListen, stopWsServers, wsServer } from '../support/listen.js';

afterEach(stopWsServers);

/** listen's JSON report of a 2 s run against `url`, and all it printed. */
async function report(url: string): Promise<{ json: { url: string; counts: Record<string, number>; close: { code: number; reason: string } | null; violations: { message: string }[] }; text: string }> {
  const { stdout, stderr } = await runListen([url, '--duration', '2s', '--format', 'json']);
  return { json: JSON.parse(stdout), text: stdout + stderr };
}

/** A server that sends a frame of an unknown type, `timestamp`, and closes with a reason naming it. */
const echoing = () =>
  wsServer((ws) => {
    ws.send(JSON.stringify({ type: 'timestamp', timestamp: 'timestamp' }));
    setTimeout(() => ws.close(4000, 'bad timestamp field'), 100);
  });

describe("listen: a parameter's name read with the server's rule", () => {
  it('redacts pw, pswd, creds and a short word glued before another in lower or upper case (otpvalue, AUTHHEADER), in the URL and where the server echoes the value (tCY F2, F3: printed in clear)', async () => {
    // This server echoes the request's target, with the values, as a frame's type.
    const url = await wsServer((ws, request) => {
      ws.send(JSON.stringify({ type: request.url }));
      setTimeout(() => ws.close(4000, 'bye'), 100);
    });
    const secrets = { pw: 'hunter2-S3CR3T', pswd: 'Pswd-S3CR3T-2', creds: 'alice:Cr3ds-S3CR3T', otpvalue: '49281733', AUTHHEADER: 'Basic YWxpY2U6aHVudGVyMg' };
    const query = Object.entries(secrets).map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
    const { json, text } = await report(`${url}?${query}`);
    expect(json.url).toBe(`${url}?${Object.keys(secrets).map((name) => `${name}=[redacted]`).join('&')}`);
    for (const value of Object.values(secrets)) {
      expect(text, value).not.toContain(value);
      expect(text, value).not.toContain(encodeURIComponent(value));
    }
    expect(json.close?.code).toBe(4000);
    expect(json.violations[0]?.message).toMatch(/^expected a known message type .*, got "\/api\/ws\?pw=\[redacted\]/);
  });

  it('shows an ordinary glued key and its value where the server echoes it: ?sortkey=timestamp, ?routingKey=timestamp (tCY F4: its field names, type and close reason were [redacted])', async () => {
    for (const query of ['sortkey=timestamp', 'routingKey=timestamp', 'SSID=timestamp']) {
      const url = await echoing();
      const { json, text } = await report(`${url}?${query}`);
      expect(json.url, query).toBe(`${url}?${query}`);
      expect(json.counts, query).toEqual({ timestamp: 1 });
      expect(json.violations[0]?.message, query).toMatch(/got "timestamp"$/);
      expect(json.close, query).toEqual({ code: 4000, reason: 'bad timestamp field' });
      expect(text, query).not.toContain('[redacted]');
    }
  });

  it('still blanks the value where the rule errs on redacting, as README says: ?sort_key=timestamp', async () => {
    const url = await echoing();
    const { json, text } = await report(`${url}?sort_key=timestamp`);
    expect(json.url).toBe(`${url}?sort_key=[redacted]`);
    expect(json.close).toEqual({ code: 4000, reason: 'bad [redacted] field' });
    expect(text).not.toContain('timestamp');
  });
});
