/**
 * The password the Redis store sent, quoted back by a RESP server in words of its own, is `[redacted]` in the start's
 * error and log: one of 6 characters or more (a shorter one is ordinary text too), and in a refusal of SELECT too
 * (tIM F8, F16: mutants R27, `>= 6` read as `> 6`, and R34, SELECT's refusal no longer redacted, survived
 * start-refusals.test.ts, whose server quoted a longer password, and only in its answer to HELLO). Fake RESP servers on
 * 127.0.0.1 that quote each command they are sent.
 */
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisStreamStore, type RedisStreamStore } from '../../../src/server/index.js';
import { freePort } from './redis-server.js';

/** A RESP server answering each command of `answer`'s (a RESP reply, `undefined`: an error quoting the command). */
async function fakeServer(answer: (args: string[]) => string | undefined): Promise<{ port: number; close: () => Promise<void> }> {
  const port = await freePort();
  const server = await new Promise<NetServer>((resolve, reject) => {
    const created = createNetServer((socket) => {
      socket.on('error', () => undefined);
      socket.on('data', (data) => {
        const lines = data.toString('latin1').split('\r\n');
        for (let i = 0; i < lines.length; ) {
          const count = /^\*(\d+)$/.exec(lines[i]!);
          if (count === null) {
            i++;
            continue;
          }
          const args = Array.from({ length: Number(count[1]) }, (_, k) => lines[i + 2 + 2 * k] ?? '');
          i += 1 + 2 * Number(count[1]);
          if (!socket.writableEnded) socket.write(answer(args) ?? `-ERR command ${args.join(' ')} not supported\r\n`);
        }
      });
    });
    created.once('error', reject);
    created.listen(port, '127.0.0.1', () => resolve(created));
  });
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

type Line = Record<string, unknown>;
const stores: RedisStreamStore[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
});

/** How a start on `url` settles (`rejected: <message>` or `started`), and what it logged. */
async function outcome(url: string): Promise<{ said: string; lines: Line[] }> {
  const lines: Line[] = [];
  const log = (fields: Line) => void lines.push(fields);
  const said = await createRedisStreamStore({ url, logger: { info: log, warn: log, error: log } }).then(
    (store) => (stores.push(store), 'started'),
    (err: Error) => `rejected: ${err.message}`,
  );
  return { said, lines };
}

describe('the password the Redis store sent, quoted back at start (tIM F8, F16)', () => {
  it('is [redacted] when it has exactly 6 characters; one of 5 is ordinary text, shown as quoted (R27)', async () => {
    const fake = await fakeServer(() => undefined);
    try {
      const six = await outcome(`redis://alice:Pw6abc@127.0.0.1:${fake.port}`);
      expect(six.said).toMatch(/^rejected: .*ERR command hello 3 AUTH alice \[redacted\]/i);
      expect(`${six.said}\n${JSON.stringify(six.lines)}`).not.toContain('Pw6abc');
      const five = await outcome(`redis://alice:Pw5ab@127.0.0.1:${fake.port}`);
      expect(five.said).toMatch(/^rejected: .*ERR command hello 3 AUTH alice Pw5ab/i);
    } finally {
      await fake.close();
    }
  }, 60_000);

  it('is [redacted] in a refusal of SELECT that quotes it (R34)', async () => {
    const password = 'SekritSelectPw9';
    const fake = await fakeServer(([command, ...rest]) => {
      if (/^hello$/i.test(command!)) return '%1\r\n+server\r\n+redis\r\n';
      if (/^select$/i.test(command!)) return `-NOPERM user alice with password ${password} may not select database ${rest[0]}\r\n`;
      if (/^client$/i.test(command!)) return '+OK\r\n';
      return undefined;
    });
    try {
      const { said, lines } = await outcome(`redis://alice:${password}@127.0.0.1:${fake.port}/1`);
      expect(said).toMatch(/^rejected: .*SELECT.*user alice with password \[redacted\] may not select database 1/);
      expect(`${said}\n${JSON.stringify(lines)}`).not.toContain('SekritSelect');
    } finally {
      await fake.close();
    }
  }, 60_000);
});
