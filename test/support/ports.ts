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
