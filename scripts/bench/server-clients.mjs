// Child process of scripts/bench/server.ts: holds the WebSocket clients, so the server's process
// measures only the server's work. Commands arrive over IPC; every reply carries its wall time.
import WebSocket from 'ws';

/** @type {WebSocket[]} */
let clients = [];
let received = 0;
let expected = Infinity;
let started = 0;
let onDone = null;

function count() {
  received++;
  if (received === expected && onDone) {
    const done = onDone;
    onDone = null;
    done();
  }
}

function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.on('message', count);
  });
}

process.on('message', async (command) => {
  if (command.cmd === 'open') {
    const t0 = performance.now();
    const queue = [...command.urls];
    const opened = [];
    await Promise.all(
      Array.from({ length: command.concurrency }, async () => {
        while (queue.length > 0) opened.push(await open(queue.shift()));
      }),
    );
    clients.push(...opened);
    process.send({ cmd: 'opened', ms: performance.now() - t0, count: opened.length });
  } else if (command.cmd === 'expect') {
    // Settle: frames of earlier steps (e.g. the connection message) are not counted.
    await new Promise((resolve) => setTimeout(resolve, 50));
    received = 0;
    expected = command.frames;
    started = performance.now();
    onDone = () => process.send({ cmd: 'received', ms: performance.now() - started, frames: received });
    process.send({ cmd: 'ready' });
  } else if (command.cmd === 'close') {
    for (const ws of clients) ws.terminate();
    clients = [];
    process.send({ cmd: 'closed' });
  } else if (command.cmd === 'exit') {
    process.exit(0);
  }
});
process.send({ cmd: 'up' });
