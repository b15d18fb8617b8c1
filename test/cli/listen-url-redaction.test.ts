/**
 * What `listen` prints of a URL's secrets in the shapes the server's log (`redactUrl`) already
 * reads (tCY F1, F5–F10 and its aside): a URL with user info nested in a query value, a
 * redirect's Location and a server's text with user info in loose shapes, an `@` in an
 * unparsable target's fragment, `;jsessionid=` path parameters, a bad escape in a secret's name,
 * a nested secret echoed back, a quadratic pattern. Real sockets on 127.0.0.1 (port 0); listen
 * in-process, or as a child process where a run could block its event loop.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closedPort } from '../support/ports.js';
import { afterEach, describe, expect, it } from 'vitest';
import { runListen as listenIn, type ListenCommandOptions } from '../../src/cli/listen-command.js';
import { redactUrl } from '../../src/server/index.js';
import { runListen, stopWsServers, wsServer } from '../support/listen.js';

const servers: Server[] = [];
afterEach(async () => {
  await stopWsServers();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** listen run in-process: its exit code and what it wrote. */
async function said(target: string, options: Partial<ListenCommandOptions> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const output = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), stdin: () => process.stdin };
  const status = await listenIn(target, { mode: 'strict', format: 'text', durationMs: 2000, ...options }, output);
  return { status, stdout, stderr };
}


/** A plain HTTP server on 127.0.0.1 answering every request with `status`, `headers` and `body`; its ws:// URL. */
async function answering(status: number, headers: Record<string, string>, body = ''): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(status, headers);
    response.end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/ws`;
}

const connection = JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', resume: 'new' }, ts: '2026-01-14T16:30:00.000Z', cursor: 'e.0' });

describe('listen: URL-shaped secrets, as the server logs them', () => {
  it("the Basic credentials listen sends of the URL's user info, echoed by a server in a refusal's body or a close reason, are [redacted] (tGV F6: base64(user:password) was printed)", async () => {
    const echo = createServer((request, response) => {
      response.writeHead(401, { 'content-type': 'text/plain' });
      response.end(`Unauthorized: ${request.headers.authorization ?? 'none'}`);
    });
    servers.push(echo);
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const refusing = `127.0.0.1:${(echo.address() as AddressInfo).port}/api/ws`;
    const closing = (await wsServer((ws, request) => ws.close(4000, `bye ${request.headers.authorization}`))).slice('ws://'.length);
    for (const [userInfo, basic] of [['alice:Hunter2x9', 'YWxpY2U6SHVudGVyMng5'], ['opaqueTokenAsUser123', 'b3BhcXVlVG9rZW5Bc1VzZXIxMjM6'], ['alice:Hunt%40er2x9', 'YWxpY2U6SHVudEBlcjJ4OQ==']] as [string, string][]) {
      expect(Buffer.from(basic, 'base64').toString()).toBe(decodeURIComponent(userInfo.includes(':') ? userInfo : `${userInfo}:`));
      for (const format of ['text', 'json'] as const) {
        const refused = await said(`ws://${userInfo}@${refusing}`, { format });
        const closed = await said(`ws://${userInfo}@${closing}`, { format });
        const all = `${refused.stdout}${refused.stderr}${closed.stdout}${closed.stderr}`;
        expect(all).toContain('Basic [redacted]');
        expect(all).not.toContain(basic.slice(0, 8));
        expect(all).not.toContain(basic.slice(-10));
      }
    }
  });

  it('a query value that is a URL with user info is [redacted] whole, as redactUrl logs it: stderr, the JSON report, an unparsable target, a redirect (tCY F7)', async () => {
    const port = await closedPort();
    for (const value of ['https://alice:hunter2@bank.example/', 'https%3A%2F%2Falice%3Ahunter2%40bank.example%2F', 'https://TOKENVALUE123@bank.example/', 'postgres://app:hunter2@db/prod']) {
      const target = `ws://127.0.0.1:${port}/api/ws?next=${value}&x=1`;
      // The server's log redacts every value under a name the protocol does not define; listen, a value its name or shape says is a secret's.
      expect(redactUrl(`/api/ws?next=${value}&x=1`)).toBe('/api/ws?[redacted]&[redacted]');
      const text = await said(target);
      expect(text.status).toBe(2);
      expect(text.stderr).toContain(`cannot connect to ws://127.0.0.1:${port}/api/ws?next=[redacted]&x=1: `);
      const json = await said(target, { format: 'json' });
      expect(JSON.parse(json.stdout).url).toBe(`ws://127.0.0.1:${port}/api/ws?next=[redacted]&x=1`);
      expect(`${text.stderr}${json.stdout}${json.stderr}`).not.toMatch(/hunter2|TOKENVALUE/);
    }
    expect((await said('ws://127.0.0.1:99999/api/ws?u=https%3A%2F%2Falice%3Ahunter2%40bank%2F&x=1')).stderr).toBe('realtime-contract: cannot listen to "ws://127.0.0.1:99999/api/ws?u=[redacted]&x=1": the port 99999 is out of range (0–65535)\n');
    const redirect = await answering(302, { location: 'https://idp.example/cb?next=https%3A%2F%2Falice%3Ahunter2%40bank%2F' });
    expect((await said(redirect)).stderr).toContain('; Location: https://idp.example/cb?[redacted]');
  });

  it("a redirect's Location is redacted before it is cut, its user info in loose shapes and its fragment hidden; a server's text in those shapes too (tCY F1)", async () => {
    const long = `${'A'.repeat(200)}SECRETTAIL${'B'.repeat(20)}`;
    const cases: [string, string][] = [
      ['https://alice:pa/ss@idp.example/login', 'https://[redacted]@idp.example/login'],
      ['https:alice:hunter2@idp.example/login', 'https:[redacted]@idp.example/login'],
      [`https://${long}@idp.example/login`, 'https://[redacted]@idp.example/login'],
      ['https://app.example/cb#Zk9xQ2pVb3hTZWNyZXRPcGFxdWU', 'https://app.example/cb#[redacted]'],
    ];
    for (const [location, shown] of cases) {
      const url = await answering(302, { location });
      const { stderr } = await said(url);
      expect(stderr).toContain(`the server refused the upgrade with HTTP 302 Found; Location: ${shown}\n`);
      expect(stderr).not.toMatch(/pa\/ss|hunter2|AAAAAAAA|SECRETTAIL|Zk9x/);
    }
    for (const [reason, shown] of [
      ['retry at https://alice:pa/ss@idp.example/', 'retry at https://alice:[redacted]@idp.example/'],
      ['retry at https:alice:hunter2@idp.example/', 'retry at https:alice:[redacted]@idp.example/'],
      ['retry at https://alice:hunter2@idp.example/', 'retry at https://alice:[redacted]@idp.example/'],
      // A port of digits, then an `@` in the path: no user info, shown as sent.
      ['see ws://127.0.0.1:8080/users/a@b.c', 'see ws://127.0.0.1:8080/users/a@b.c'],
    ]) {
      const url = await wsServer((ws) => {
        ws.send(connection);
        ws.close(4000, reason);
      });
      const { stdout } = await said(url, { format: 'json' });
      expect(JSON.parse(stdout).close).toEqual({ code: 4000, reason: shown });
    }
  });

  it("a password beginning with / or \\ is hidden, the host after it shown: redactUrl, listen's refusal of its URL, a redirect's Location, a close reason (tIO F8: each shown whole)", async () => {
    for (const [given, logged] of [
      ['http://user:/pass@host/', 'http://[redacted]@host/'],
      ['ws://ops:/Hunter2@cache.example.com:6379/api/ws', 'ws://[redacted]@cache.example.com:6379/api/ws'],
      ['http://:/Hunter2@host/api/ws', 'http://[redacted]@host/api/ws'],
      ['ws://default:\\Mk7Zq"/@localhost:6379/api/ws?sort=asc', 'ws://[redacted]@localhost:6379/api/ws?[redacted]'],
    ]) expect(redactUrl(given), given).toBe(logged);
    // An empty port after a host name is the parser's, and an `@` in the path after it stays the path's.
    expect(redactUrl('http://example.com:/users/alice@example.com')).toBe('http://example.com:/users/alice@example.com');
    const port = await closedPort();
    for (const target of [`ws://alice:/Hunter2xyz@127.0.0.1:${port}/api/ws`, `ws://:/Hunter2xyz@127.0.0.1:${port}/api/ws`, `ws://alice:\\Hunter2xyz@127.0.0.1:${port}/api/ws`]) {
      const { status, stderr } = await said(target);
      expect(status, target).toBe(2);
      expect(stderr, target).toContain(`@127.0.0.1:${port}/api/ws"`);
      expect(stderr, target).not.toContain('Hunter2xyz');
    }
    const redirect = await answering(302, { location: 'https://svc:/Hunter2xyz@login.example.com/sso' });
    expect((await said(redirect)).stderr).toContain('; Location: https://[redacted]@login.example.com/sso\n');
    const url = await wsServer((ws) => {
      ws.send(connection);
      ws.close(4000, 'retry at https://svc:/Hunter2xyz@login.example.com/sso');
    });
    const { stdout } = await said(url, { format: 'json' });
    expect(JSON.parse(stdout).close).toEqual({ code: 4000, reason: 'retry at https://svc:[redacted]@login.example.com/sso' });
  });

  it('a token a server echoes URL-encoded with lower-case hex, or read as a form reads it (+ a space), is [redacted] (tIO F5: printed whole, or two thirds of it)', async () => {
    const token = 'k3J+9fQ2/xZ+Lm8p/Qr4+Tt7/Wv1+Yy0=';
    const lower = encodeURIComponent(token).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
    for (const echoed of [lower, token.replace(/\+/g, ' ')]) {
      const url = await wsServer((ws) => {
        ws.send(connection);
        ws.close(4400, `bad token ${echoed}`);
      });
      const { stdout } = await said(url, { token, format: 'json' });
      expect(JSON.parse(stdout).close, echoed).toEqual({ code: 4400, reason: 'bad token [redacted]' });
    }
  });

  it("a secret parameter's value that is a contract's message type is [redacted] in the URL only, not in listen's own words naming that type (tIO F6: \"the [redacted] message\")", async () => {
    const url = await wsServer((ws) => ws.send(JSON.stringify({ type: 'trades', x: 1 })));
    const { stdout } = await said(`${url}?session_id=connection`, { token: 'Op4queT0kenValue', durationMs: 1000 });
    expect(stdout).toContain('expected the first frame to be the "connection" message, got "trades"');
    expect(stdout).not.toContain('"[redacted]" message');
  });

  it('an unparsable target with an @ in its fragment or query: the fragment hidden, host, port and path shown, no user-info fault; one without its scheme has its password hidden (tCY F5)', async () => {
    const cases: [string, string][] = [
      ['ws://127.0.0.1:99999/api/ws#login=alice@example.com:Hunter2Secret', '"ws://127.0.0.1:99999/api/ws#[redacted]": the port 99999 is out of range (0–65535)'],
      ['ws://127.0.0.1:99999/api/ws#x=1&cb=https://app/@Zk9xQ2pVb3hTZWNyZXQ', '"ws://127.0.0.1:99999/api/ws#[redacted]": the port 99999 is out of range (0–65535)'],
      ['ws://127.0.0.1:99999/api/ws?x=1&email=a@b.c', '"ws://127.0.0.1:99999/api/ws?x=1&email=a@b.c": the port 99999 is out of range (0–65535)'],
      ['alice:hunter2@127.0.0.1:23001/api/ws', '"alice:[redacted]@127.0.0.1:23001/api/ws": expected a ws: or wss: URL (or http:, https:, taken as ws:, wss:)'],
    ];
    for (const [target, shown] of cases) expect((await said(target)).stderr).toBe(`realtime-contract: cannot listen to ${shown}\n`);
    const bracket = (await said('ws://[::1/api/ws#k@Zk9xQ2pVb3hTZWNyZXQ')).stderr;
    expect(bracket).toContain('"ws://[::1/api/ws#[redacted]"');
    expect(bracket).not.toContain('user info');
    expect(bracket).not.toContain('Zk9x');
    // User info holding a `#` is still read to its last `@` (tCW F11).
    expect((await said('ws://alice:s3cr#et@127.0.0.1:99999/api/ws')).stderr).toContain('"ws://alice:[redacted]@127.0.0.1:99999/api/ws"');
  });

  it('a ;jsessionid= or ;token= path parameter is [redacted] by redactUrl and listen, parsed or not (tCY F6)', async () => {
    expect(redactUrl('/api/ws;jsessionid=ABCDEF123SECRET?since=k.1')).toBe('/api/ws;jsessionid=[redacted]?since=k.1');
    expect(redactUrl('/api/ws;token=ABCDEF123SECRET')).toBe('/api/ws;token=[redacted]');
    // The server's log redacts every path parameter's value (the protocol has none); listen, those named as secrets.
    expect(redactUrl('/api/ws;v=2/x;lang=fr')).toBe('/api/ws;v=[redacted]/x;lang=[redacted]');
    const port = await closedPort();
    expect((await said(`ws://127.0.0.1:${port}/api/ws;jsessionid=ABCDEF123SECRET;v=2?x=1`)).stderr).toContain(`cannot connect to ws://127.0.0.1:${port}/api/ws;jsessionid=[redacted];v=2?x=1: `);
    expect((await said('ws://127.0.0.1:99999/api/ws;jsessionid=ABCDEF123SECRET')).stderr).toContain('"ws://127.0.0.1:99999/api/ws;jsessionid=[redacted]"');
  });

  it('a key of 1 MB of %3d a server sends is scrubbed in time linear in it: the run ends with its report (tCY F8: quadratic, ~40 min)', { timeout: 120_000 }, async () => {
    const key = `?${'%3d'.repeat(350_000)}=`;
    const url = await wsServer((ws) => {
      ws.send(JSON.stringify({ type: 'connection', [key]: 1 }));
      setTimeout(() => ws.close(1000), 100);
    });
    // Killed after 90 s (status null) if it blocks; it takes a few seconds once linear.
    const run = await runListen([url, '--mode', 'strict', '--duration', '5s', '--format', 'json'], {}, 90_000);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout).frames).toBe(1);
  });

  it('a secret name with one escape that does not decode (?%74oken%FF=) is read as the server reads it, in an unparsable target (tCY F9)', async () => {
    expect(redactUrl('/api/ws?%74oken%FF=SECRETVALUE123')).toBe('/api/ws?[redacted]');
    expect((await said('ws://127.0.0.1:99999/api/ws?%74oken%FF=SECRETVALUE123')).stderr).toBe('realtime-contract: cannot listen to "ws://127.0.0.1:99999/api/ws?%74oken%FF=[redacted]": the port 99999 is out of range (0–65535)\n');
  });

  it('a secret nested in a query value is scrubbed where the server echoes it, as a named one is (tCY F10)', async () => {
    const url = await wsServer((ws) => {
      ws.send(connection);
      ws.close(4000, 'unknown key LongSecretValue123');
    });
    for (const query of ['return_to=https%3A%2F%2Fapp.example%2Fcb%3Fapi_key%3DLongSecretValue123', 'next=https%3A%2F%2Falice%3ALongSecretValue123%40bank.example%2F']) {
      const { stdout } = await said(`${url}?${query}`, { format: 'json' });
      const report = JSON.parse(stdout);
      expect(report.close).toEqual({ code: 4000, reason: 'unknown key [redacted]' });
      expect(stdout).not.toContain('LongSecretValue123');
    }
  });

  it('a secret path parameter, a value held in a secret name, and a password nested in a loose user-info shape are scrubbed where the server echoes them (tDC F1, F9, F2)', async () => {
    const leaked: string[] = [];
    for (const [target, secret] of [
      [';jsessionid=SESSIONSECRET123', 'SESSIONSECRET123'],
      ['?session_id%3DSECRETVALUE99', 'SECRETVALUE99'],
      ['?token%3DSECRETVALUE99', 'SECRETVALUE99'],
      ['?next=//alice:password123@bank/', 'password123'],
      ['?next=alice:password123@bank', 'password123'],
      ['?next=https://alice:pa/ssword123@bank/', 'pa/ssword123'],
      ['?next=https://alice:pass%3Fword123@bank/', 'pass?word123'],
      ['?next=https://alice:pass%23word123@bank/', 'pass#word123'],
      ['?next=//TOKENVALUE123@bank', 'TOKENVALUE123'],
    ] as const) {
      const url = await answering(400, { 'content-type': 'text/plain' }, `unknown session ${secret}`);
      const { stderr } = await said(`${url}${target}`);
      expect(stderr).toContain('the server refused the upgrade with HTTP 400');
      if (!stderr.includes('unknown session [redacted]') || stderr.includes(secret)) leaked.push(target);
    }
    expect(leaked).toEqual([]);
  });

  it('redactUrl past its bounds still hides a secret path parameter (tDC F5)', () => {
    expect(redactUrl(`/api/ws;jsessionid=SESSIONSECRET123?x=${'y'.repeat(2100)}`)).toBe('/api/ws;jsessionid=[redacted]?[2102 characters not logged]');
    expect(redactUrl(`/api/ws;jsessionid=SESSIONSECRET123?${'a&'.repeat(70)}`)).toBe('/api/ws;jsessionid=[redacted]?[140 characters not logged]');
    expect(redactUrl(`/api/ws;jsessionid=SESSIONSECRET123/${'b'.repeat(3000)}`)).toBe('/api/ws;jsessionid=[redacted]/[3000 characters not logged]');
  });

  it("an unparsable target's secret value is [redacted] to the next & or #, a space or a quote in it or in its name (tDC F4)", async () => {
    const shown: string[] = [];
    for (const target of ['/p?password=hunter2 hunter3', '/p?pass word=hunter2&x=1', '/p?api_key=abc"defghijk', '/p;jsessionid=abc defghijk', '/p?token%3Dabc def&y=2']) {
      shown.push(/cannot listen to "(.*)": the port/.exec((await said(`ws://127.0.0.1:99999${target}`)).stderr)?.[1] ?? '');
    }
    expect(shown).toEqual(['/p?password=[redacted]', '/p?pass word=[redacted]&x=1', '/p?api_key=[redacted]', '/p;jsessionid=[redacted]', '/p?[redacted]&y=2'].map((target) => `ws://127.0.0.1:99999${target}`));
  });

  it("a redirect's Location keeps its query after a secret path parameter, as redactUrl shows it (tDC F7)", async () => {
    const short = await answering(302, { location: '/login;jsessionid=SESSIONSECRET123?since=k.1&a=1' });
    expect((await said(short)).stderr).toContain('Location: /login;jsessionid=[redacted]?since=k.1&[redacted]');
    const long = await answering(302, { location: `/login;jsessionid=SESSIONSECRET123?${'a&'.repeat(70)}` });
    expect((await said(long)).stderr).toContain('Location: /login;jsessionid=[redacted]?[140 characters not logged]');
  });

  it("a secret path parameter in a server's text is redacted to its end, a / or ? in its value too (tDE F2: the rest after it was printed)", async () => {
    const body = 'refused: bad ;Password=Xy7/Qw9+Zt2?k; and ;session=AbCd/EfGh+IjKl== and a;token=ab?cd';
    const { stderr } = await said(await answering(400, { 'content-type': 'text/plain' }, body));
    expect(stderr).toContain(';Password=[redacted]; and ;session=[redacted] and a;token=[redacted]');
    for (const part of ['Qw9', 'Zt2', 'EfGh', 'IjKl', '?cd']) expect(stderr).not.toContain(part);
  });

  it('a 400 whose body names an https URL gets no "speaks TLS" hint; a JSON-escaped https:\\/\\/user:password@ in it is redacted (tCY aside)', async () => {
    // Not JSON (PHP's json_encode escapes `/` as `\/`), said as written.
    const body = `refused: {"error":"bad-origin","detail":"use https:\\/\\/alice:hunter2@app.example\\/ instead"}`;
    const url = await answering(400, { 'content-type': 'text/plain' }, body);
    const { stderr } = await said(url);
    expect(stderr).toContain('the server refused the upgrade with HTTP 400');
    expect(stderr).toContain('alice:[redacted]@app.example');
    expect(stderr).not.toContain('hunter2');
    expect(stderr).not.toContain('speaks TLS');
    // Go's answer of a TLS port to plain HTTP keeps its hint.
    const tls = await answering(400, {}, 'Client sent an HTTP request to an HTTPS server.\n');
    expect((await said(tls)).stderr).toContain('speaks TLS');
  });

  it('does not print a secret given as the URL\'s host (ws://${HOST}:8000 with the password in HOST), in the URL or getaddrinfo\'s ENOTFOUND; a host name is shown (tFE F1)', async () => {
    for (const target of ['ws://Xk9mP2qR7wL4zT8b.invalid:21200/api/ws', 'ws://u:p@Xk9mP2qR7wL4zT8b/api/ws', 'wss://Pa55w0rdXyz/api/ws']) {
      const text = await said(target);
      expect(text.status, target).toBe(2);
      expect(text.stderr, target).toMatch(/^realtime-contract: cannot connect to wss?:\/\/(?:u:\[redacted\]@)?\[redacted\](?::21200)?\/api\/ws: .*\(the URL's host of \d+ characters is not shown: it reads as a secret, not a host name; is it the token or a password\?\)\n$/);
      const json = await said(target, { format: 'json' });
      expect(JSON.parse(json.stdout).url, target).toMatch(/^wss?:\/\/(?:u:\[redacted\]@)?\[redacted\](?::21200)?\/api\/ws$/);
      expect(`${text.stderr}${json.stdout}${json.stderr}`.toLowerCase(), target).not.toMatch(/xk9mp2qr7wl4zt8b|pa55w0rdxyz/);
    }
    expect((await said('ws://no-such-host.invalid:21200/api/ws')).stderr).toMatch(/^realtime-contract: cannot connect to ws:\/\/no-such-host\.invalid:21200\/api\/ws: getaddrinfo ENOTFOUND no-such-host\.invalid\n$/);
  });

  it('does not print a secret given as the URL\'s host when something else is wrong with the URL too, or its scheme is written loosely (tFP F1)', async () => {
    const targets = [
      'ws://Xk9mP2qL7vR4:99999/api/ws', 'Xk9mP2qL7vR4:21200/api/ws', 'ws://Xk9mP2qL7vR4:21200/api/ws#x', 'ws://Xk9mP2qL7vR4:21200/api/ws?token=',
      'ftp://Xk9mP2qL7vR4:21200/api/ws', 'ws:Xk9mP2qL7vR4:21200/api/ws', 'ws:/Xk9mP2qL7vR4:21200/api/ws', ' ws://Xk9mP2qL7vR4:21200/api/ws',
      'ws://Xk9mP2qL7vR4:${PORT}/api/ws', 'ws://Xk9mP2qL7vR4:abc/api/ws', '//Xk9mP2qL7vR4:21200/api/ws', 'ws//Xk9mP2qL7vR4:21200/api/ws', 'ws://Xk9mP2qL7vR4 :21200/api/ws',
    ];
    for (const target of targets) {
      const text = await said(target);
      expect(text.status, target).toBe(2);
      expect(text.stderr.toLowerCase(), target).not.toContain('xk9mp2ql7vr4');
      expect(text.stderr, target).toContain("(the URL's host of 12 characters is not shown: it reads as a secret, not a host name; is it the token or a password?)\n");
    }
    // A host name beside such a fault is still shown.
    expect((await said('ws://redis-master-0.redis-headless.default.svc.cluster.local:99999/api/ws')).stderr).toBe('realtime-contract: cannot listen to "ws://redis-master-0.redis-headless.default.svc.cluster.local:99999/api/ws": the port 99999 is out of range (0–65535)\n');
  });

  it('does not print a port that reads as a secret (a password whose @host is missing), one in IPv6 brackets, or a host split by a tab; an ordinary port is shown (tFU F5)', async () => {
    const notShown = 'expected a port of digits after the host, got other characters (not shown: it may be a password whose @host is missing)';
    const part = "(a part of the URL's address of 11 characters is not shown: it reads as a secret, not a host or port; a password whose @host is missing, or the token?)";
    const expected: [string, string][] = [
      ['ws://alice:Pa55w0rdXyz/api/ws', `realtime-contract: cannot listen to "ws://alice:[redacted]/api/ws": ${notShown}\n`],
      ['ws://alice:Pa55w0rdXyz', `realtime-contract: cannot listen to "ws://alice:[redacted]": ${notShown}\n`],
      ['ws://127.0.0.1:Pa55w0rdXyz/api/ws', `realtime-contract: cannot listen to "ws://127.0.0.1:[redacted]/api/ws": ${notShown}\n`],
      ['ws://[::1]:Pa55w0rdXyz/api/ws', `realtime-contract: cannot listen to "ws://[::1]:[redacted]/api/ws": ${notShown}\n`],
      ['127.0.0.1:Pa55w0rdXyz/api/ws', `realtime-contract: cannot listen to "127.0.0.1:[redacted]/api/ws": expected an absolute URL such as ws://127.0.0.1:8080/api/ws ${part}\n`],
      ['ws://[Pa55w0rdXyz]:29999/api/ws', `realtime-contract: cannot listen to "ws://[[redacted]]:29999/api/ws": expected an absolute URL such as ws://127.0.0.1:8080/api/ws ${part}\n`],
      ['ws://[::1:Pa55w0rdXyz]/api/ws', `realtime-contract: cannot listen to "ws://[::1:[redacted]]/api/ws": expected an absolute URL such as ws://127.0.0.1:8080/api/ws ${part}\n`],
    ];
    for (const [target, stderr] of expected) expect({ target, ...(await said(target)) }).toEqual({ target, status: 2, stdout: '', stderr });
    // A lower-case one reads as a host name: it was printed, in the URL and as the port got (tGD F5).
    // Six characters is the bound ("6 characters or more"): `abcdef`, `s3cr3t` are hidden; five, `80abc`, is shown below (tGK F3).
    for (const target of ['ws://alice:s3cr3t-passw0rd/api/ws', 'ws://alice:pa55w0rdxyz/api/ws', 'ws://alice:abcdef/api/ws', 'ws://alice:s3cr3t/api/ws']) {
      expect({ target, ...(await said(target)) }).toEqual({ target, status: 2, stdout: '', stderr: `realtime-contract: cannot listen to "ws://alice:[redacted]/api/ws": ${notShown}\n` });
    }
    const tab = await said('ws://Pa55\tw0rdXyz.invalid:29999/api/ws');
    expect(tab.status).toBe(2);
    expect(tab.stderr).toMatch(/^realtime-contract: cannot connect to ws:\/\/\[redacted\]:29999\/api\/ws: .*\(the URL's host of 19 characters is not shown/);
    expect(tab.stderr.toLowerCase()).not.toMatch(/pa55|w0rdxyz/);
    // Ordinary ports are shown.
    expect((await said('ws://127.0.0.1:80a/api/ws')).stderr).toBe('realtime-contract: cannot listen to "ws://127.0.0.1:80a/api/ws": expected a port of digits after the host, got "80a"\n');
    expect((await said('ws://127.0.0.1:80abc/api/ws')).stderr).toBe('realtime-contract: cannot listen to "ws://127.0.0.1:80abc/api/ws": expected a port of digits after the host, got "80abc"\n');
    expect((await said('ws://127.0.0.1:${PORT}/api/ws')).stderr).toBe('realtime-contract: cannot listen to "ws://127.0.0.1:${PORT}/api/ws": expected a port of digits after the host, got "${PORT}"\n');
  });

  it('never shows what it says is not shown: a bracketed IPv6 host with no "]" is said so, a part of it that is no address [redacted] (tGF F6)', async () => {
    const unclosed = 'the "[" before the IPv6 address is not closed by "]" (ws://[::1]:8080/api/ws)';
    const part = (length: number) => ` (a part of the URL's address of ${length} characters is not shown: it reads as a secret, not a host or port; a password whose @host is missing, or the token?)`;
    expect(await said('ws://[::1:s3cr3t-passw0rd/api/ws')).toEqual({ status: 2, stdout: '', stderr: `realtime-contract: cannot listen to "ws://[::1:[redacted]/api/ws": ${unclosed}${part(15)}\n` });
    expect(await said('ws://[::1:Pa55w0rdXyz9Q/api/ws')).toEqual({ status: 2, stdout: '', stderr: `realtime-contract: cannot listen to "ws://[::1:[redacted]/api/ws": ${unclosed}${part(13)}\n` });
    expect(await said('ws://[::1]:s3cr3t-passw0rd/api/ws')).toEqual({ status: 2, stdout: '', stderr: 'realtime-contract: cannot listen to "ws://[::1]:[redacted]/api/ws": expected a port of digits after the host, got other characters (not shown: it may be a password whose @host is missing)\n' });
    // An address whose "]" is missing is shown whole: nothing in it reads as a secret.
    expect(await said('ws://[::1:8080/api/ws')).toEqual({ status: 2, stdout: '', stderr: `realtime-contract: cannot listen to "ws://[::1:8080/api/ws": ${unclosed}\n` });
  });

  it('does not print a token given where the URL goes (listen "$JWT"): --token promises "never printed" (tEC F2)', async () => {
    const token = 'sk_live_S3CR3TvalueXYZ0123456789abcdef';
    expect(await said(token)).toEqual({ status: 2, stdout: '', stderr: 'realtime-contract: cannot listen to a value of 38 characters that is no URL (not shown: it may be the token; give it as --token): expected an absolute URL such as ws://127.0.0.1:8080/api/ws\n' });
  });

  // tEI F2 (mutation M46: a `.` taken for a URL's): the tokens users paste hold dots (a JWT, `sk_live.…`); the test above has none.
  it('does not print a token with dots given where the URL goes either: a dotted key, a JWT (tEI F2)', async () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.S3CR3TsignatureXYZ0123456789abcdef';
    for (const token of ['sk_live.S3CR3Tvalue123456', jwt]) {
      const result = await said(token);
      expect(result, token).toEqual({ status: 2, stdout: '', stderr: `realtime-contract: cannot listen to a value of ${token.length} characters that is no URL (not shown: it may be the token; give it as --token): expected an absolute URL such as ws://127.0.0.1:8080/api/ws\n` });
      expect(result.stderr).not.toContain(token.split('.')[1]);
    }
  });
});
