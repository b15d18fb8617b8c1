/**
 * Cross-node fan-out on Redis against a single node, in one run (issue 12 "How it is checked"):
 * - throughput: 200 dashboards (one socket each) plus one admin; 20 000 trades published in
 *   batches of 500, 4 in flight per node; delivered frames per second until every socket has
 *   its share;
 * - latency: one trade at a time, publish call → frame received on a socket of another node,
 *   p50 / p99 (includes the publish HTTP call of the test endpoint, alike on both sides);
 * - sizing figures for src/server/redis/SCALE.md: Redis bytes per buffered message, node heap
 *   and RSS per idle connection, node and Redis CPU per message.
 *
 * Single node: one process, in-memory store. Cross-node: three processes on one redis-server,
 * sockets spread over them, publishes round-robin. Server processes are test/server/redis/node.ts.
 * Run alone with `tsx scripts/bench/redis-fanout.ts` or from `npm run bench`; skipped (null) when
 * redis-server is missing. BENCH_QUICK=1 shrinks the counts.
 */
import { spawnSync } from 'node:child_process';
import WebSocket from 'ws';
import { token } from '../../test/server/helpers.js';
import { RedisServer, ServerNode } from '../../test/server/redis/redis-server.js';
import { Redis } from 'ioredis';

export interface FanoutScenario {
  id: 'single-node' | 'three-nodes-redis';
  label: string;
  messages: number;
  sockets: number;
  deliveredFrames: number;
  seconds: number;
  framesPerSecond: number;
  messagesPerSecond: number;
  latencyMs: { p50: number; p99: number; samples: number };
  /** Node CPU (user+sys, all nodes) per published message, µs. */
  nodeCpuUsPerMessage: number;
}

export interface RedisFanoutResult {
  scenarios: FanoutScenario[];
  sizing: {
    redisBytesPerMessage: number;
    frameBytes: number;
    redisCpuUsPerMessage: number;
    nodeHeapBytesPerConnection: number;
    nodeRssBytesPerConnection: number;
    idleConnections: number;
  };
}

const quick = process.env.BENCH_QUICK === '1';

interface Socket {
  ws: WebSocket;
  count: number;
  seen: Map<string, number>;
}

async function openSocket(node: ServerNode, userId: string, admin = false): Promise<Socket> {
  const ws = new WebSocket(node.wsUrl({ token: await token(userId, admin ? { admin: true } : {}) }));
  const socket: Socket = { ws, count: 0, seen: new Map() };
  await new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('{"type":"connection"')) return resolve();
      if (!text.includes('"cursor"')) return;
      socket.count++;
      const id = /"id":"(lat\d+)"/.exec(text);
      if (id) socket.seen.set(id[1]!, performance.now());
    });
  });
  return socket;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

async function cpuUs(nodes: ServerNode[]): Promise<number> {
  const stats = await Promise.all(nodes.map((n) => n.stats()));
  return stats.reduce((sum, s) => sum + (s.cpu as { user: number; system: number }).user + (s.cpu as { user: number; system: number }).system, 0);
}

async function scenario(id: FanoutScenario['id'], nodes: ServerNode[]): Promise<FanoutScenario> {
  const users = quick ? 50 : 200;
  const messages = quick ? 4000 : 20_000;
  const sockets: Socket[] = [];
  for (let i = 0; i < users; i++) sockets.push(await openSocket(nodes[i % nodes.length]!, `user${i}`));
  const admin = await openSocket(nodes[0]!, 'admin', true);
  const all = [...sockets, admin];

  // throughput: batches of 500 round-robin over the nodes, 4 batches in flight per node
  const cpuBefore = await cpuUs(nodes);
  const started = performance.now();
  const batch = 500;
  let next = 0;
  const publisher = async (node: ServerNode) => {
    for (let k = (next += batch) - batch; k < messages; k = (next += batch) - batch) {
      const items = [];
      for (let j = k; j < Math.min(messages, k + batch); j++) items.push({ userId: `user${j % users}`, id: `m${j}` });
      await node.publish(items);
    }
  };
  await Promise.all(nodes.flatMap((node) => [1, 2, 3, 4].map(() => publisher(node))));
  const expected = messages + messages; // every user's share once, plus the admin's copy of everything
  while (all.reduce((s, x) => s + x.count, 0) < expected) await new Promise((r) => setTimeout(r, 2));
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = await cpuUs(nodes);

  // latency: one at a time, published on node 0, received by a socket on the last node
  const target = sockets[nodes.length - 1]!; // user on the last node
  const targetUser = `user${nodes.length - 1}`;
  const samples: number[] = [];
  const rounds = quick ? 200 : 1000;
  for (let i = 0; i < rounds; i++) {
    const idText = `lat${i}`;
    const sent = performance.now();
    await nodes[0]!.publish([{ userId: targetUser, id: idText }]);
    while (!target.seen.has(idText)) await new Promise((r) => setImmediate(r));
    samples.push(target.seen.get(idText)! - sent);
  }
  samples.sort((a, b) => a - b);
  for (const s of all) s.ws.terminate();
  return {
    id,
    label: id === 'single-node' ? '1 node, in-memory store' : `${nodes.length} nodes, Redis store`,
    messages,
    sockets: all.length,
    deliveredFrames: expected,
    seconds,
    framesPerSecond: expected / seconds,
    messagesPerSecond: messages / seconds,
    latencyMs: { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), samples: samples.length },
    nodeCpuUsPerMessage: (cpuAfter - cpuBefore) / messages,
  };
}

async function sizing(redis: RedisServer, node: ServerNode): Promise<RedisFanoutResult['sizing']> {
  const client = new Redis(redis.url);
  const used = async () => Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]);
  const cpu = async () => {
    const info = await client.info('cpu');
    return (Number(/used_cpu_sys:([\d.]+)/.exec(info)![1]) + Number(/used_cpu_user:([\d.]+)/.exec(info)![1])) * 1e6;
  };
  const n = quick ? 5000 : 20_000;
  const memBefore = await used();
  const cpuBefore = await cpu();
  for (let k = 0; k < n; k += 1000) await node.publish(Array.from({ length: 1000 }, (_, j) => ({ userId: `size${(k + j) % 100}`, id: `s${k + j}` })));
  const bytes = (await used()) - memBefore;
  const redisCpu = (await cpu()) - cpuBefore;
  const sample = (await client.xrevrange('sz:all', '+', '-', 'COUNT', 1))[0]!;
  const frameBytes = Buffer.byteLength(sample[1][sample[1].indexOf('f') + 1]!);
  await client.quit();

  const idle = quick ? 300 : 2000;
  global.gc?.();
  const before = (await node.stats()).memory as { heapUsed: number; rss: number };
  const sockets: Socket[] = [];
  for (let i = 0; i < idle; i++) sockets.push(await openSocket(node, `idle${i}`));
  await new Promise((r) => setTimeout(r, 500));
  const after = (await node.stats()).memory as { heapUsed: number; rss: number };
  for (const s of sockets) s.ws.terminate();
  return {
    redisBytesPerMessage: bytes / n,
    frameBytes,
    redisCpuUsPerMessage: redisCpu / n,
    nodeHeapBytesPerConnection: (after.heapUsed - before.heapUsed) / idle,
    nodeRssBytesPerConnection: (after.rss - before.rss) / idle,
    idleConnections: idle,
  };
}

/** Runs both scenarios and the sizing figures; null when redis-server is not installed. */
export async function benchRedisFanout(log: (message: string) => void = () => {}): Promise<RedisFanoutResult | null> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return null;
  const redis = await RedisServer.start();
  const started: ServerNode[] = [];
  try {
    log('redis fan-out: single node');
    const single = await ServerNode.start({ REDIS_URL: '', KEY_PREFIX: 'single', VALIDATE: '0' });
    started.push(single);
    const one = await scenario('single-node', [single]);
    await single.stop();
    log('redis fan-out: three nodes');
    const trio = await Promise.all([0, 1, 2].map(() => ServerNode.start({ REDIS_URL: redis.url, KEY_PREFIX: 'trio', VALIDATE: '0' })));
    started.push(...trio);
    const three = await scenario('three-nodes-redis', trio);
    await Promise.all(trio.map((n) => n.stop()));
    log('redis fan-out: sizing');
    const sizer = await ServerNode.start({ REDIS_URL: redis.url, KEY_PREFIX: 'sz', VALIDATE: '0' });
    started.push(sizer);
    const sized = await sizing(redis, sizer);
    return { scenarios: [one, three], sizing: sized };
  } finally {
    await Promise.all(started.map((n) => n.stop()));
    await redis.stop();
  }
}

/** Markdown tables of {@link benchRedisFanout}'s result. */
export function redisFanoutTable(result: RedisFanoutResult | null): string {
  if (result === null) return '## Cross-node fan-out (Redis)\n\nSkipped: redis-server is not installed.';
  const rows = result.scenarios.map(
    (s) =>
      `| ${s.label} | ${s.sockets} | ${s.messages} | ${Math.round(s.messagesPerSecond)} | ${Math.round(s.framesPerSecond)} | ${s.latencyMs.p50.toFixed(2)} | ${s.latencyMs.p99.toFixed(2)} | ${s.nodeCpuUsPerMessage.toFixed(0)} |`,
  );
  const z = result.sizing;
  return [
    '## Cross-node fan-out (Redis)',
    '',
    'Publish (test endpoint, batches of 500, 4 in flight per node) → every socket has its frames; latency: one publish at a time, received on another node (includes the HTTP publish call).',
    '',
    '| setup | sockets | messages | messages/s | frames/s | latency p50 ms | latency p99 ms | node CPU µs/message |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Sizing: Redis ${Math.round(z.redisBytesPerMessage)} B per buffered message (frame ${z.frameBytes} B, stored in the user or global stream and the all-stream), Redis CPU ${z.redisCpuUsPerMessage.toFixed(1)} µs per append; node heap ${Math.round(z.nodeHeapBytesPerConnection)} B and RSS ${Math.round(z.nodeRssBytesPerConnection)} B per idle connection (${z.idleConnections} sockets).`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchRedisFanout((m) => process.stderr.write(`${m}\n`));
  process.stdout.write(`${redisFanoutTable(result)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
