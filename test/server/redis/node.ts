/**
 * One server node for the multi-node tests and the bench: a realtime server on PORT with the Redis
 * stream store on REDIS_URL (key prefix KEY_PREFIX), or the in-memory store when REDIS_URL is
 * empty (the bench's single-node baseline), plus a test-only publish endpoint:
 * `POST /test/publish` with `[{ "userId": "u1" | null, "id": "m1" }, …]` publishes a trade
 * (or a whale when userId is null) per item, concurrently (all in one event-loop turn), and
 * answers `{ ok: [cursor | null] }` (null: not stored, e.g. Redis away). An item with `"bytes": n`
 * (and a userId) publishes an `alerts` message whose text pads its frame to about n bytes instead.
 * Prints `READY <port>` when listening.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRealtimeServer, MemoryStreamStore } from '../../../src/server/index.js';
import { createRedisStreamStore } from '../../../src/server/redis/index.js';
import { alert, SECRET, trade, whale } from '../helpers.js';

const lots = { perSecond: 100_000, burst: 100_000 };
const logger = {
  info: () => {},
  warn: (o: object, m?: string) => process.stderr.write(`warn ${m} ${JSON.stringify(o)}\n`),
  error: (o: object, m?: string) => process.stderr.write(`error ${m} ${JSON.stringify(o)}\n`),
};

const store = process.env.REDIS_URL
  ? await createRedisStreamStore({ url: process.env.REDIS_URL, keyPrefix: process.env.KEY_PREFIX ?? 'rc', logger, maxMessages: 20_000, maxAllMessages: 200_000 })
  : new MemoryStreamStore({ maxEntriesPerStream: 20_000, maxEntries: 200_000 });
const rt = createRealtimeServer({
  jwt: { secret: SECRET },
  port: Number(process.env.PORT ?? 0),
  store,
  attemptsPerIp: lots,
  attemptsPerUser: lots,
  maxSocketsPerUser: 100,
  maxBufferedBytes: 256 * 1024 * 1024,
  validateOutbound: process.env.VALIDATE !== '0',
  logger,
  handleHttp: (request, response) => {
    if (request.method === 'POST' && request.url === '/test/publish') {
      void publish(request, response);
      return true;
    }
    if (request.method === 'GET' && request.url === '/test/stats') {
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ...rt.stats(), memory: process.memoryUsage(), cpu: process.cpuUsage() }));
      return true;
    }
    return false;
  },
});

/** An `alerts` message of about `bytes` bytes of frame (its text padded). */
function large(id: string, bytes: number) {
  const message = alert(id);
  (message.data as { message: string }).message = 'x'.repeat(Math.max(0, bytes - 400));
  return message;
}

async function publish(request: IncomingMessage, response: ServerResponse): Promise<void> {
  let body = '';
  for await (const chunk of request) body += chunk;
  const items = JSON.parse(body) as { userId: string | null; id: string; bytes?: number }[];
  const ok = await Promise.all(
    items.map(({ userId, id, bytes }) =>
      (userId === null ? rt.broadcast(whale(Number(id.replace(/\D/g, '')) || 1)) : rt.publish(userId, bytes ? large(id, bytes) : trade(id))).then(
        (entry) => entry.cursor,
        () => null,
      ),
    ),
  );
  response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ok }));
}

await rt.listening;
process.stdout.write(`READY ${rt.address()!.port}\n`);
const stop = () => void rt.close().then(() => store.close()).finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
