/**
 * Child of poll-waiting-heap.test.ts, run with `--expose-gc --import tsx` (its own heap): a server on 127.0.0.1 (port
 * `argv[2]`, 0 for the kernel's) over a MemoryStreamStore whose reads give fresh copies of their frames, as the Redis
 * store's do. One user that never reads: one answer of a 12 MB message out and unread, then `argv[3]` more polls of the
 * same page, each past the user's bound, waiting for room. Prints one JSON line: the heap after gc once they have all
 * read their page (`waitingHeld`, bytes more than with the first answer alone), and, all read at last, each poll's status
 * and the ids it carried (a small message was published while they waited: each answer is cut to the room it took).
 */
import { connect, type Socket } from 'node:net';
import { MemoryStreamStore, createRealtimeServer, type ReadResult, type StreamViewer } from '../../src/server/index.js';
import { SECRET, alert, token } from './helpers.js';

declare const gc: () => void;

// Bounded: a child that hangs says so and ends, its sockets and server with it.
setTimeout(() => {
  console.error('poll-waiting-heap-child: not done in 90 s');
  process.exit(1);
}, 90_000).unref();

/** A MemoryStreamStore whose every read is a copy of its own, as a read of Redis is: `reads` counts them. */
class CopyingStore extends MemoryStreamStore {
  reads = 0;
  override async read(viewer: StreamViewer, since: string | null, limit: number, maxBytes?: number): Promise<ReadResult> {
    const page = await super.read(viewer, since, limit, maxBytes);
    this.reads++;
    return { ...page, entries: page.entries.map((entry) => ({ ...entry, frame: Buffer.from(entry.frame, 'utf8').toString('utf8') })) };
  }
}

const port = Number(process.argv[2] ?? 0);
const waiting = Number(process.argv[3] ?? 15);
const store = new CopyingStore({ maxBytes: 256 * 1024 * 1024, epoch: 'e1' });
// A hold longer than the test: the waiting polls are ended by their clients' reads.
const rt = createRealtimeServer({ jwt: { secret: SECRET }, store, host: '127.0.0.1', port, pollHoldMs: 600_000, pollsPerUser: { perSecond: 100, burst: 100 } });
await rt.listening;
const at = rt.address()!.port;
const user = 'mallory-unread';
const since = (await rt.publish(user, alert('small'))).cursor;
const message = alert('big') as ReturnType<typeof alert> & { data: Record<string, unknown> };
await rt.publish(user, { ...message, data: { ...message.data, message: 'x'.repeat(12_000_000) } } as never);
const jwt = await token(user);

/** A poll whose answer is read only once `read()` is called: `answer()` is its status and the ids it carried once it is all in. */
const poll = (): { socket: Socket; answer: () => { status: string; ids: string[] } | null; read: () => void } => {
  const socket = connect({ host: '127.0.0.1', port: at });
  socket.pause();
  socket.on('error', () => undefined);
  socket.write(`GET /api/ws/poll?token=${jwt}&since=${since} HTTP/1.1\r\nHost: x\r\n\r\n`);
  const chunks: Buffer[] = [];
  let got = 0;
  let answer: { status: string; ids: string[] } | null = null;
  let head: string | null = null;
  let length = 0;
  const take = (chunk: Buffer): void => {
    chunks.push(chunk);
    got += chunk.length;
    if (head === null) {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) return;
      head = all.subarray(0, end).toString('latin1');
      length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1]);
      chunks.splice(0, chunks.length, all.subarray(end + 4));
      got = all.length - end - 4;
    }
    if (got < length) return;
    const body = JSON.parse(Buffer.concat(chunks).subarray(0, length).toString('utf8')) as { messages: { data: { id: string } }[] };
    answer = { status: head.slice(9, 12), ids: body.messages.map((m) => m.data.id) };
    socket.off('data', take);
  };
  return { socket, answer: () => answer, read: () => void socket.on('data', take).resume() };
};
const until = async (test: () => boolean): Promise<void> => {
  while (!test()) await new Promise((resolve) => setTimeout(resolve, 20));
};
const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const polls = [poll()];
await until(() => rt.stats().pollsServed === 1);
const base = heap();
for (let i = 0; i < waiting; i++) polls.push(poll());
// Every waiting poll has read its page once (and waits: none served).
await until(() => store.reads === 1 + waiting && rt.stats().pendingPolls === waiting);
const waitingHeld = heap() - base;
const pending = rt.stats().pendingPolls;
// Published while they wait: past the room each took, so the next poll's.
await rt.publish(user, alert('after'));
for (const each of polls) each.read();
const answers = (): ({ status: string; ids: string[] } | null)[] => polls.map((each) => each.answer());
await until(() => answers().every((answer) => answer !== null));
console.log(JSON.stringify({ waitingHeld, pending, answers: answers(), slowPollCloses: rt.stats().slowPollCloses }));
for (const each of polls) each.socket.destroy();
await rt.close();
process.exit(0);
