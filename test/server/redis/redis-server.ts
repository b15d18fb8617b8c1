import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';

/** Whether `port` can be listened on, on 127.0.0.1 (0: any; the port taken, else null). */
async function listenable(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => {
      const taken = (server.address() as { port: number }).port;
      server.close(() => resolve(taken));
    });
  });
}

/** The next port of `RC_TEST_PORTS` (`<first>-<last>`) to try: a machine shared by several runs gives each its own range. */
let nextInRange = 0;

/** A logger record as the store gave it: its level, its fields and its message. */
export type LogRecord = { level: string } & Record<string, unknown>;

/** A logger that keeps every record, for a test to read. */
export function recordingLogger(): { records: LogRecord[]; logger: Record<'info' | 'warn' | 'error', (fields: Record<string, unknown>, message?: string) => void> } {
  const records: LogRecord[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message?: string) => void records.push({ level, ...fields, message });
  return { records, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}

/** Resolves once `condition` holds (asked each 50 ms); throws `timed out waiting for <what>` after `ms` milliseconds. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A free TCP port on 127.0.0.1 (released before it is returned): the kernel picks it, or, under
 * `RC_TEST_PORTS=<first>-<last>`, the next free one of that range.
 */
export async function freePort(): Promise<number> {
  const range = /^(\d+)-(\d+)$/.exec(process.env.RC_TEST_PORTS ?? '');
  if (range === null) {
    const port = await listenable(0);
    if (port === null) throw new Error('no free port on 127.0.0.1');
    return port;
  }
  const [first, last] = [Number(range[1]), Number(range[2])];
  for (let tried = 0; tried <= last - first; tried++) {
    const port = first + ((nextInRange++ + process.pid) % (last - first + 1));
    if ((await listenable(port)) !== null) return port;
  }
  throw new Error(`no free port in RC_TEST_PORTS=${process.env.RC_TEST_PORTS}`);
}

/** Redis's first answer to PING on `port` (`+PONG`, `-LOADING …`, `-MASTERDOWN …`), or null when nothing answers within 500 ms. */
export function pingAnswer(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setTimeout(500, () => (socket.destroy(), resolve(null)));
    socket.on('error', () => resolve(null));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      text += d.toString();
      if (text.includes('\r\n')) socket.destroy(), resolve(text.trim());
    });
  });
}

/** Whether a PING's answer (`text`) is of a server that is up: PONG, and NOAUTH for one started with a password (`locked`). */
function answered(text: string | null, locked: boolean): boolean {
  // A replica cut off from its primary under replica-serve-stale-data no answers MASTERDOWN: up too; and one with PING
  // renamed away (--rename-command PING …) answers it unknown.
  return text !== null && (text.startsWith('+PONG') || text.startsWith('-MASTERDOWN') || (locked && text.startsWith('-NOAUTH')) || /^-ERR unknown command 'ping'/i.test(text));
}

/**
 * One redis-server child for a test file, on its own port, without persistence (`--save ''
 * --appendonly no`): a restart comes back empty, like a Redis that lost its data. Given a
 * folder (`dir`), it loads the snapshot there when it starts (made only by an explicit SAVE):
 * a restart comes back as of the last SAVE.
 */
export class RedisServer {
  private child: ChildProcess | null = null;
  private constructor(
    readonly port: number,
    private readonly dir?: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** `options.extra`: more redis-server arguments (`--replicaof`, `--cluster-enabled yes`, …), for this start only. */
  static async start(port?: number, options: { dir?: string; extra?: readonly string[] } = {}): Promise<RedisServer> {
    const server = new RedisServer(port ?? (await freePort()), options.dir);
    await server.startProcess(options.extra);
    return server;
  }

  private async startProcess(extra: readonly string[] = []): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', ...(this.dir ? ['--dir', this.dir] : []), ...extra], {
      stdio: 'ignore',
    });
    this.child = child;
    let deadline = Date.now() + 10_000;
    // A server started with a password answers PING with NOAUTH: up all the same.
    for (;;) {
      const text = await pingAnswer(this.port);
      if (answered(text, extra.includes('--requirepass'))) return;
      // Loading a dataset (slowed on purpose by a test, and more at load 40: 10.2 s, tGZ F8) is a start going on.
      if (text?.startsWith('-LOADING')) deadline = Math.max(deadline, Date.now() + 10_000);
      if (child.exitCode !== null || Date.now() > deadline) {
        // Not left running, holding its port after the test (tGZ F8: a redis-server outlived its file, orphaned).
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGKILL');
          await exited;
        }
        if (this.child === child) this.child = null;
        throw new Error(`redis-server did not start on port ${this.port}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the server at once (SIGKILL: no goodbye to clients, like a crash). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
  }

  /** Freezes the server (SIGSTOP): its sockets stay open and nothing answers, like a hung host. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  /** Undoes {@link pause} (SIGCONT). */
  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /**
   * Crashes and starts again on the same port, empty (or as of the last SAVE, given a folder),
   * after `downMs`, with `extra` redis-server arguments (`--requirepass`: up when it answers NOAUTH).
   */
  async restart(downMs = 0, extra: readonly string[] = []): Promise<void> {
    await this.stop();
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    await this.startProcess(extra);
  }
}

/** A server node (test/server/redis/node.ts) in its own process, on its own port. */
export class ServerNode {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    /** The `event` of every warning and error the node logged so far (`redis-lost`, …), in order. */
    readonly events: string[],
  ) {}

  static async start(env: { REDIS_URL: string; KEY_PREFIX: string; PORT?: string; VALIDATE?: string }): Promise<ServerNode> {
    const script = new URL('./node.ts', import.meta.url).pathname;
    const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let partial = '';
    const events: string[] = [];
    child.stderr!.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
      const lines = (partial + d).split('\n');
      partial = lines.pop()!.slice(-4000);
      for (const line of lines) {
        const event = /^(?:warn|error) .*?\{"event":"([^"]+)"/.exec(line)?.[1];
        if (event !== undefined) events.push(event);
      }
    });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`node did not start: ${stderr}`)), 30_000);
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /READY (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`node exited with ${code}: ${stderr}`));
      });
    });
    return new ServerNode(child, port, events);
  }

  wsUrl(query: Record<string, string>): string {
    return `ws://127.0.0.1:${this.port}/api/ws?${new URLSearchParams(query)}`;
  }

  /** Publishes trades (userId) or whales (null); resolves with each cursor, null when not stored. */
  async publish(items: { userId: string | null; id: string }[]): Promise<(string | null)[]> {
    const response = await fetch(`http://127.0.0.1:${this.port}/test/publish`, { method: 'POST', body: JSON.stringify(items) });
    return ((await response.json()) as { ok: (string | null)[] }).ok;
  }

  /**
   * The node's stats. Asked again (twice at most) when the request fails on the network: fetch's pool reused a connection
   * the node closed at its 5 s keep-alive timeout as the request went out (ECONNRESET: a test starved past 5 s at load 30,
   * tGL F9); a GET of stats is safe to repeat.
   */
  async stats(): Promise<Record<string, unknown> & { store: { healthy: boolean; detail?: string } }> {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await fetch(`http://127.0.0.1:${this.port}/test/stats`);
        return (await response.json()) as never;
      } catch (error) {
        if (attempt === 3 || !(error instanceof TypeError) || this.child.exitCode !== null || this.child.signalCode !== null) throw error;
      }
    }
  }

  /** SIGKILL: the node dies without closing its sockets (a crash). */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM: a graceful stop (sockets closed with 1001). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * `serve --demo --port 0 --redis <url>` in a child process: its exit code and everything it printed. A start that
 * hangs is ended at 60 s (SIGKILL), the child with it: a test of a start refused must not wait for ever.
 */
export async function serveDemoOnRedis(url: string): Promise<{ code: number | null; output: string }> {
  const main = new URL('../../../src/cli/main.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', main, 'serve', '--demo', '--port', '0', '--redis', url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, output };
}
