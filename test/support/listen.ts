/** What the `listen` tests share: the CLI in a child process, and WebSocket servers on 127.0.0.1 to point it at. */
import { spawn } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';

const CLI = path.resolve(import.meta.dirname, '../../src/cli/main.ts');

/**
 * Runs `realtime-contract listen <args>` (killed after `killAfterMs`, counted from the spawn: tsx's start took 20-23 s at
 * load 35, and a default of 20 s killed runs that would have passed, tGZ F3) and collects its output.
 */
export function runListen(args: string[], env: Record<string, string | undefined> = {}, killAfterMs = 55_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'listen', ...args], { cwd: process.cwd(), env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const kill = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (status) => {
      clearTimeout(kill);
      resolve({ status, stdout, stderr });
    });
  });
}

const stops: (() => Promise<void>)[] = [];

/** A WebSocket server on 127.0.0.1 that hands each connection to `onConnection`, stopped by {@link stopWsServers}; its URL. */
export async function wsServer(onConnection: (ws: WebSocket, request: IncomingMessage) => void): Promise<string> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  );
  wss.on('connection', onConnection);
  return `ws://127.0.0.1:${(wss.address() as { port: number }).port}/api/ws`;
}

/** Stops every server {@link wsServer} started (call it in `afterEach`). */
export async function stopWsServers(): Promise<void> {
  await Promise.all(stops.splice(0).map((stop) => stop()));
}

/** Waits while `condition` holds, at most `ms` of wall-clock time (not a count of timer turns, which a stalled loop stretches). */
export async function waitWhile(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}
