import { createServer, type AddressInfo } from 'node:net';

/**
 * A port of 127.0.0.1 the kernel gave and that was closed again before it is returned: free a
 * moment ago, and refusing connections until someone listens on it (a test's "nothing listens
 * here", or a port to start a child on).
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Ports of the range each vitest worker counts through: its own, so that files run at once do not take the same ones. */
export const PORTS_PER_WORKER = 50;

/**
 * A counter through this worker's part of `RC_TEST_PORTS` (`<first>-<last>`): each call the next port, or 0 (the kernel
 * picks one) when the variable is not set. Worker n (`VITEST_POOL_ID`, 1 to maxWorkers) counts through the
 * `PORTS_PER_WORKER` ports from `first + (n - 1) * PORTS_PER_WORKER`, wrapping within the range: two files that each
 * counted from the range's first port listened on the same ports when two workers ran them at once (EADDRINUSE: tFK F2).
 */
export function portCounter(): () => number {
  let next = 0;
  return () => {
    const range = /^(\d+)-(\d+)$/.exec(process.env.RC_TEST_PORTS ?? '');
    if (!range) return 0;
    const first = Number(range[1]);
    const size = Number(range[2]) - first + 1;
    const worker = Math.max(1, Number(process.env.VITEST_POOL_ID ?? 1) || 1);
    return first + (((worker - 1) * PORTS_PER_WORKER + (next++ % PORTS_PER_WORKER)) % size);
  };
}
