import { describe, expect, it } from 'vitest';
import { createRealtimeServer, createRedisStreamStore, MemoryStreamStore } from '../../src/server/index.js';

const SECRET = 'x'.repeat(40);

describe('integer options past Number.MAX_SAFE_INTEGER', () => {
  it("are refused with the bound that refuses them, not with a message saying they must be what they are (tDF F6: 2^53 was 'must be an integer ≥ 1, got 9007199254740992')", async () => {
    const bound = '; at most 9007199254740991 (Number.MAX_SAFE_INTEGER)';
    expect(() => new MemoryStreamStore({ maxBytes: 2 ** 53 })).toThrow(new RangeError(`MemoryStreamStore: maxBytes must be an integer ≥ 1, got 9007199254740992${bound}`));
    expect(() => new MemoryStreamStore({ maxEntries: 1e20 })).toThrow(new RangeError(`MemoryStreamStore: maxEntries must be an integer ≥ 1, got 100000000000000000000${bound}`));
    expect(() => new MemoryStreamStore({ maxAgeMs: 1e16 })).toThrow(new RangeError(`MemoryStreamStore: maxAgeMs must be an integer number of milliseconds ≥ 0 (0: no age bound), got 10000000000000000${bound}`));
    expect(() => createRealtimeServer({ port: 0, jwt: { secret: SECRET }, maxConnectionsPerIp: 2 ** 60 })).toThrow(new RangeError(`createRealtimeServer: maxConnectionsPerIp must be an integer ≥ 1, or null for no limit, got 1152921504606847000${bound}`));
    await expect(createRedisStreamStore({ url: 'redis://127.0.0.1:1', maxMessages: 2 ** 53 } as never)).rejects.toThrow(new RangeError(`createRedisStreamStore: maxMessages must be an integer ≥ 1, got 9007199254740992${bound}`));
    // The largest is taken; below the range, and a bound a message already names, say what they said.
    expect(new MemoryStreamStore({ maxBytes: Number.MAX_SAFE_INTEGER }).size).toBe(0);
    expect(() => new MemoryStreamStore({ maxBytes: 0 })).toThrow(new RangeError('MemoryStreamStore: maxBytes must be an integer ≥ 1, got 0'));
    expect(() => createRealtimeServer({ port: 70000, jwt: { secret: SECRET } })).toThrow(new RangeError('createRealtimeServer: port must be an integer from 0 to 65535 (0: any free port), got 70000'));
  });
});
