/**
 * Raw-socket WebSocket backends for `listen`'s tests: a TCP server on 127.0.0.1 that answers the
 * upgrade itself and writes frames as the test builds them, so a test can break RFC 6455 or RFC
 * 7692 where `ws` would not let a server. Call {@link stopRawServers} after each test.
 */
import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';

/** A valid `connection` message, the first a backend sends. */
export const connection = JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws' }, ts: '2026-01-14T16:30:00.000Z' });

/** A server frame (never masked unless `mask`): `extended` writes the length in the 16- or 64-bit field whatever it is. */
export function frame(payload: string | Buffer, { opcode = 1, fin = true, rsv = 0, mask = false, extended }: { opcode?: number; fin?: boolean; rsv?: number; mask?: boolean; extended?: 16 | 64 } = {}): Buffer {
  const body = Buffer.from(payload);
  const first = (fin ? 0x80 : 0) | (rsv << 4) | opcode;
  const masked = mask ? 0x80 : 0;
  const form = extended ?? (body.length < 126 ? 7 : body.length < 65536 ? 16 : 64);
  const head = form === 7 ? Buffer.from([first, masked | body.length]) : Buffer.alloc(form === 16 ? 4 : 10);
  if (form === 16) {
    head[0] = first;
    head[1] = masked | 126;
    head.writeUInt16BE(body.length, 2);
  } else if (form === 64) {
    head[0] = first;
    head[1] = masked | 127;
    head.writeBigUInt64BE(BigInt(body.length), 2);
  }
  if (!mask) return Buffer.concat([head, body]);
  const key = Buffer.from([1, 2, 3, 4]);
  return Buffer.concat([head, key, body.map((byte, i) => byte ^ key[i % 4]!)]);
}

/** The Sec-WebSocket-Accept of `key` (RFC 6455 §4.2.2). */
export const acceptOf = (key: string) => createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');

/** The 101 answer to `key`, with `extra` header lines. */
export const upgraded = (key: string, extra: string[] = []) => ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${acceptOf(key)}`, ...extra, '', ''].join('\r\n');

/** The 101 answer to `key` that agrees to permessage-deflate. */
export const deflateAnswer = (key: string) => upgraded(key, ['Sec-WebSocket-Extensions: permessage-deflate']);

const servers: { close(): void; sockets: Set<Socket> }[] = [];

/** Closes every server {@link rawServer} started, and their sockets. */
export function stopRawServers(): void {
  for (const server of servers.splice(0)) {
    for (const socket of server.sockets) socket.destroy();
    server.close();
  }
}

/**
 * A TCP server on 127.0.0.1 that reads the upgrade request and hands its socket and
 * Sec-WebSocket-Key to `answer`; its ws: URL. `allowHalfOpen`: a server that does not end its
 * side when listen ends its.
 */
export async function rawServer(answer: (socket: Socket, key: string) => void, allowHalfOpen = false): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      answer(socket, /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1] ?? '');
    };
    socket.on('data', onData);
  });
  servers.push(Object.assign(server, { sockets }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/ws`;
}
