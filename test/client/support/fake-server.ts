/**
 * A small stand-in for the reference server, speaking PLAN.md's v1.1 wire protocol on
 * 127.0.0.1 with `ws`: token checked before the upgrade (401), `connection` with `cursor` and
 * `resume`, replay after `since`, `<epoch>.<position>` cursors, JSON pings answered by pongs,
 * a client ping answered by a pong, and the long-poll endpoint. Knobs a test turns: refuse
 * upgrades, stop pinging, stop/start on the same port keeping the stream (a restart with a
 * store that survives it), close every socket with a code.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeServerOptions {
  tokens?: string[];
  pingIntervalMs?: number;
  pollHoldMs?: number;
  port?: number;
  /** Serves anything that is not the protocol's (the dashboard). Returns whether it answered. */
  handleHttp?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface Entry {
  cursor: string;
  frame: string;
}

export class FakeServer {
  readonly tokens: Set<string>;
  readonly epoch = Math.random().toString(36).slice(2, 8);
  readonly log: Entry[] = [];
  /** Every upgrade request: when (ms) and what it was answered (101 or the refusal status). */
  readonly upgrades: { at: number; status: number; since: string | null }[] = [];
  readonly polls: { at: number; status: number; since: string | null }[] = [];
  /** Frames received from clients, parsed. */
  readonly received: unknown[] = [];
  /** When (Date.now(), ms) each frame of `received` came. */
  readonly receivedAt: number[] = [];
  refuseUpgrades: false | number = false;
  pinging = true;
  /** Answer a client's ping with a pong. */
  answering = true;
  port = 0;
  private http?: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly waiting = new Set<() => void>();
  private pingTimer?: ReturnType<typeof setInterval>;

  constructor(readonly options: FakeServerOptions = {}) {
    this.tokens = new Set(options.tokens ?? ['good']);
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/api/ws`;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get clients(): number {
    return this.sockets.size;
  }

  async start(): Promise<this> {
    const http = createServer((req, res) => this.request(req, res));
    http.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.port || this.options.port || 0, '127.0.0.1', () => resolve());
    });
    this.http = http;
    this.port = (http.address() as AddressInfo).port;
    this.pingTimer = setInterval(() => {
      if (!this.pinging) return;
      const frame = JSON.stringify({ type: 'ping', timestamp: Date.now() });
      for (const ws of this.sockets) ws.send(frame);
    }, this.options.pingIntervalMs ?? 30_000);
    return this;
  }

  /** Closes every socket with 1001 and stops listening; the stream stays (start() again resumes it). */
  async stop(code = 1001): Promise<void> {
    clearInterval(this.pingTimer);
    for (const wake of this.waiting) wake();
    for (const ws of this.sockets) ws.close(code, 'server going away');
    const http = this.http;
    this.http = undefined;
    if (!http) return;
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
  }

  closeAll(code: number, reason = ''): void {
    for (const ws of this.sockets) ws.close(code, reason);
  }

  /** Appends a message to the stream with the next cursor and sends it to every socket and held poll. */
  publish(message: Record<string, unknown>): Entry {
    const cursor = `${this.epoch}.${this.log.length + 1}`;
    const entry = { cursor, frame: JSON.stringify({ ...message, cursor }) };
    this.log.push(entry);
    for (const ws of this.sockets) ws.send(entry.frame);
    for (const wake of this.waiting) wake();
    return entry;
  }

  /** Sends a raw frame to every socket (no cursor, not stored): faults, pings; a Buffer goes as a binary frame. */
  sendRaw(frame: string | Buffer): void {
    for (const ws of this.sockets) ws.send(frame);
  }

  private head(): string {
    return `${this.epoch}.${this.log.length}`;
  }

  /** Position after `since` in the log, or null when it is not ours (→ gap). */
  private after(since: string): number | null {
    const m = /^(\w+)\.(\d+)$/.exec(since);
    if (!m || m[1] !== this.epoch || Number(m[2]) > this.log.length) return null;
    return Number(m[2]);
  }

  private token(req: IncomingMessage, url: URL): string | null {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    return bearer?.[1] ?? url.searchParams.get('token');
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const since = url.searchParams.get('since');
    const refuse = (status: number) => {
      this.upgrades.push({ at: Date.now(), status, since });
      // The client may reset a refused socket as it reads the answer: an unheard ECONNRESET would end the run.
      socket.on('error', () => undefined);
      socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/api/ws') return refuse(404);
    if (!this.tokens.has(this.token(req, url) ?? '')) return refuse(401);
    if (this.refuseUpgrades) return refuse(this.refuseUpgrades);
    this.upgrades.push({ at: Date.now(), status: 101, since });
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('error', () => ws.terminate());
      ws.on('message', (data) => {
        let value: { type?: string; timestamp?: number };
        try {
          value = JSON.parse(String(data));
        } catch {
          return;
        }
        this.received.push(value);
        this.receivedAt.push(Date.now());
        if (value.type === 'ping' && this.answering) ws.send(JSON.stringify({ type: 'pong', timestamp: value.timestamp }));
      });
      const from = since === null ? null : this.after(since);
      const resume = since === null ? 'new' : from === null ? 'gap' : 'resumed';
      const cursor = resume === 'resumed' ? since! : this.head();
      ws.send(JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', resume }, ts: new Date().toISOString(), cursor }));
      if (from !== null) for (const entry of this.log.slice(from)) ws.send(entry.frame);
    });
  }

  private request(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/api/ws/poll') {
      if (this.options.handleHttp?.(req, res)) return;
      res.writeHead(404).end();
      return;
    }
    const since = url.searchParams.get('since');
    const answer = (status: number, body?: object) => {
      this.polls.push({ at: Date.now(), status, since });
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body ? JSON.stringify(body) : '');
    };
    if (!this.tokens.has(this.token(req, url) ?? '')) return answer(401);
    if (since === null) return answer(200, { cursor: this.head(), resume: 'new', messages: [] });
    const from = this.after(since);
    if (from === null) return answer(200, { cursor: this.head(), resume: 'gap', messages: [] });
    const reply = () => {
      const entries = this.log.slice(from, from + 500);
      answer(200, { cursor: entries.at(-1)?.cursor ?? since, resume: 'resumed', messages: entries.map((e) => JSON.parse(e.frame)) });
    };
    if (from < this.log.length) return reply();
    const wake = () => {
      this.waiting.delete(wake);
      clearTimeout(hold);
      if (!res.writableEnded) reply();
    };
    const hold = setTimeout(wake, this.options.pollHoldMs ?? 25_000);
    this.waiting.add(wake);
    req.on('close', () => {
      this.waiting.delete(wake);
      clearTimeout(hold);
    });
  }
}
