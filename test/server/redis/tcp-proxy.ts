import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './redis-server.js';

interface Link {
  client: Socket;
  server: Socket;
  /** It sent SUBSCRIBE: the store's subscriber connection. */
  subscriber: boolean;
  /** Nothing goes through, either way, and the sockets stay open: a half-open path, a stuck NAT or load balancer. */
  frozen: boolean;
  /** Replies held back from the client (see holdReplies), in order. */
  held?: Buffer[];
}

/** A RESP command name on its own line, as ioredis sends it: `*2\r\n$9\r\nsubscribe\r\n…`. */
const SUBSCRIBE = /\r\n[ps]?subscribe\r\n/i;

/**
 * A TCP proxy on 127.0.0.1 in front of a Redis, for tests of what a store does when the network
 * goes silent without closing anything: it can freeze the subscriber connections (no byte passes
 * either way, the sockets stay open), swallow SUBSCRIBE commands, or black-hole every connection.
 * Stop it with close().
 */
export class TcpProxy {
  private readonly links = new Set<Link>();
  private swallowing = false;
  /** Every connection, those made later too, goes silent (see blackhole). */
  private blackholed = false;
  /** SUBSCRIBE commands dropped so far (see swallowSubscribes). */
  swallowed = 0;
  /** Replies to the command connections held back (see holdReplies). */
  private holding = false;

  private constructor(
    private readonly listener: Server,
    readonly port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(target: number): Promise<TcpProxy> {
    const port = await freePort();
    let proxy: TcpProxy | undefined;
    const listener = createServer((client) => proxy!.link(client, target));
    proxy = new TcpProxy(listener, port);
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(port, '127.0.0.1', resolve);
    });
    return proxy;
  }

  private link(client: Socket, target: number): void {
    const server = connect(target, '127.0.0.1');
    const link: Link = { client, server, subscriber: false, frozen: this.blackholed };
    this.links.add(link);
    client.on('data', (data: Buffer) => {
      if (SUBSCRIBE.test(data.toString('latin1'))) {
        link.subscriber = true;
        // Swallowed: Redis never sees it, and the connection says nothing more.
        if (this.swallowing && !link.frozen) (link.frozen = true), this.swallowed++;
      }
      if (!link.frozen) server.write(data);
    });
    server.on('data', (data: Buffer) => {
      // Held: from the first reply that is no error (`-…`), every later one of that connection too, in order.
      if (this.holding && !link.subscriber && (link.held !== undefined || data[0] !== 0x2d)) return void (link.held ??= []).push(data);
      if (!link.frozen) client.write(data);
    });
    const end = () => {
      client.destroy();
      server.destroy();
      this.links.delete(link);
    };
    for (const socket of [client, server]) {
      socket.on('error', end);
      socket.on('close', end);
    }
  }

  /** The subscriber connections open now go silent, both ways, their sockets open; returns how many. */
  freezeSubscribers(): number {
    let count = 0;
    for (const link of this.links) if (link.subscriber) (link.frozen = true), count++;
    return count;
  }

  /** While on, each SUBSCRIBE is dropped and its connection goes silent as above. */
  swallowSubscribes(on: boolean): void {
    this.swallowing = on;
  }

  /**
   * While on, every connection, those made meanwhile too, goes silent both ways, its sockets open:
   * a node cut off from Redis by a stuck NAT or load balancer. Off, they all pass bytes again.
   */
  blackhole(on: boolean): void {
    this.blackholed = on;
    for (const link of this.links) link.frozen = on;
  }

  /**
   * While on, the replies Redis sends on the command connections (not the subscriber's) are held back from the client,
   * from the first that is no error reply on: a command Redis has run whose answer the client has not read yet, while
   * the subscriber connection goes on. Off, what was held is passed on, in order. Returns the connections holding replies.
   */
  holdReplies(on: boolean): number {
    this.holding = on;
    let count = 0;
    for (const link of this.links) {
      if (link.held === undefined) continue;
      count++;
      if (on) continue;
      if (!link.frozen) link.client.write(Buffer.concat(link.held));
      link.held = undefined;
    }
    return count;
  }

  /** Frozen connections pass bytes again (what they dropped stays dropped). */
  thaw(): void {
    for (const link of this.links) link.frozen = false;
  }

  /** Closes the subscriber connections (both sides); returns how many. */
  killSubscribers(): number {
    let count = 0;
    for (const link of [...this.links]) {
      if (!link.subscriber) continue;
      link.client.destroy();
      link.server.destroy();
      this.links.delete(link);
      count++;
    }
    return count;
  }

  /** Connections open now. */
  get connections(): number {
    return this.links.size;
  }

  /**
   * Closes every connection open now (both sides) at once, as a Redis that is killed does, the
   * oldest first or the newest first (which of a client's connections hears of it first); new
   * connections are taken as before. Returns how many.
   */
  dropAll(order: 'oldest first' | 'newest first' = 'oldest first'): number {
    const count = this.links.size;
    const links = [...this.links];
    for (const link of order === 'oldest first' ? links : links.reverse()) {
      link.client.destroy();
      link.server.destroy();
      this.links.delete(link);
    }
    return count;
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    for (const link of this.links) {
      link.client.destroy();
      link.server.destroy();
    }
    this.links.clear();
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }
}
