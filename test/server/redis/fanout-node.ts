/**
 * A Redis stream store alone in its own process, for tests where a node may get stuck: its
 * event loop blocked, the test's own timers would never fire, and the test could not fail.
 * Store on REDIS_URL with key prefix KEY_PREFIX; prints `READY`, then `ENTRY <cursor>` per entry
 * delivered to its listeners and `LOG <level> <json>` per logger call (pipes write synchronously,
 * so lines come out in the order things happened).
 */
import { createRedisStreamStore } from '../../../src/server/redis/index.js';

const log = (level: string) => (object: object, message?: string) => process.stdout.write(`LOG ${level} ${JSON.stringify({ ...object, message })}\n`);
const store = await createRedisStreamStore({ url: process.env.REDIS_URL!, keyPrefix: process.env.KEY_PREFIX!, logger: { info: log('info'), warn: log('warn'), error: log('error') } });
store.subscribe((entry) => process.stdout.write(`ENTRY ${entry.cursor}\n`));
process.stdout.write('READY\n');
process.on('SIGTERM', () => void store.close().finally(() => process.exit(0)));
