/** The demo's journal (src/cli/demo-journal.ts): what `serve --demo` on a fixed port takes back after a kill. */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openDemoJournal } from '../../src/cli/demo-journal.js';
import { processStartTime } from '../../src/shared/process-alive.js';
import { specExample } from '../runtime/support.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function journalFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'journal-'));
  dirs.push(dir);
  return path.join(dir, 'journal.ndjson');
}
const BASE = Date.UTC(2026, 0, 1);
/** A valid message of `type` (the spec's example) whose `ts` tells which one it is, `n`, at `cursor`. */
const frame = (n: number, type = 'alerts') => (cursor: string) => JSON.stringify({ ...specExample(type), ts: new Date(BASE + n * 1000).toISOString(), cursor });
const nOf = (entry: { frame: string }) => (Date.parse((JSON.parse(entry.frame) as { ts: string }).ts) - BASE) / 1000;
const alice = { userId: 'alice', admin: false };

describe('the demo journal', () => {
  it('gives a store started again the entries, epoch and positions of the one before, for each user', async () => {
    const file = journalFile();
    const warnings: string[] = [];
    const first = openDemoJournal(file, (line) => warnings.push(line));
    expect(first.restored).toEqual({ fresh: 'no journal yet' });
    const a = await first.store.append('alice', 'alerts', frame(1), null);
    await first.store.append('bob', 'alerts', frame(2), null);
    await first.store.append(null, 'system_health', frame(3, 'system_health'), 'h');
    await first.store.append('alice', 'alerts', frame(4), null);
    // Only its owner reads it: it holds every user's messages.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // What README says of its lines: what a user was sent is the lines of its `u` or null, the frames as sent.
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const epoch = a.cursor.split('.')[0];
    expect(lines[0]).toEqual({ journal: 2, epoch, head: 0 });
    expect(lines.slice(1).map(({ p, u, t, k }) => [p, u, t, k])).toEqual([[1, 'alice', 'alerts', null], [2, 'bob', 'alerts', null], [3, null, 'system_health', 'h'], [4, 'alice', 'alerts', null]]);
    expect(lines.slice(1).map((line) => JSON.parse(line.f as string).cursor)).toEqual([1, 2, 3, 4].map((p) => `${epoch}.${p}`));
    expect(lines.slice(1).every((line) => typeof line.at === 'number')).toBe(true);
    // Not closed: as after kill -9.
    const second = openDemoJournal(file, (line) => warnings.push(line));
    expect(second.restored).toMatchObject({ entries: 4, epoch: a.cursor.split('.')[0] });
    const read = await second.store.read(alice, a.cursor, 100);
    expect(read.resume).toBe('resumed');
    expect(read.entries.map(nOf)).toEqual([3, 4]);
    expect(read.entries[1]!.key).toBeNull();
    expect(read.entries[0]!.key).toBe('h');
    // It goes on from the last position, in the same epoch.
    const next = await second.store.append('alice', 'alerts', frame(5), null);
    expect(next.cursor).toBe(`${a.cursor.split('.')[0]}.5`);
    expect(warnings).toEqual([]);
    await second.store.close();
  });

  it("keeps 5 minutes of a stream at the demo's rate, not the memory store's 1,000 entries (a fresh tester: alice's stream held 2 minutes, and a 3-minute outage was a gap)", async () => {
    const file = journalFile();
    let clock = BASE;
    const journal = openDemoJournal(file, () => {}, () => clock);
    // 10 a second for 4 minutes and a half: more than the demo sends alice.
    const first = await journal.store.append('alice', 'alerts', frame(0), null);
    for (let n = 1; n < 2700; n++) {
      clock = BASE + n * 100;
      await journal.store.append('alice', 'alerts', frame(n), null);
    }
    const read = await journal.store.read(alice, first.cursor, 5000);
    expect(read.resume).toBe('resumed');
    expect(read.entries.length).toBe(2699);
    // And so does the store a restart makes of the journal.
    const again = openDemoJournal(file, () => {}, () => clock);
    const reread = await again.store.read(alice, first.cursor, 5000);
    expect([reread.resume, reread.entries.length]).toEqual(['resumed', 2699]);
    await again.store.close();
  });

  it('takes back only the last 5 minutes: a cursor before them reads as a gap; with none young, a new epoch', async () => {
    const file = journalFile();
    let now = 1_000_000;
    const first = openDemoJournal(file, () => {}, () => now);
    const old = await first.store.append('alice', 'alerts', frame(1), null);
    await first.store.append('alice', 'alerts', frame(2), null);
    now += 301_000;
    const young = await first.store.append('alice', 'alerts', frame(3), null);
    const second = openDemoJournal(file, () => {}, () => now + 1000);
    expect(second.restored).toMatchObject({ entries: 1 });
    // Entry 2 is lost to the cursor of entry 1; a reader of entry 2 lost nothing.
    expect((await second.store.read(alice, old.cursor, 100)).resume).toBe('gap');
    expect(await second.store.read(alice, old.cursor.replace(/\.1$/, '.2'), 100)).toMatchObject({ resume: 'resumed', entries: [{ cursor: young.cursor }] });
    expect(await second.store.read(alice, young.cursor, 100)).toMatchObject({ resume: 'resumed', entries: [] });
    await second.store.close();
    // Nothing young left: the demo's counts start again from 1, so its dashboards are told the
    // gap (a fresh user: resumed at the head, they showed the counts go backwards).
    const third = openDemoJournal(file, () => {}, () => now + 400_000);
    expect(third.restored).toEqual({ fresh: 'every entry of the journal is older than the last 5 minutes' });
    expect((await third.store.read(alice, young.cursor, 100)).resume).toBe('gap');
    expect((await third.store.append('alice', 'alerts', frame(4), null)).cursor).not.toBe(young.cursor.replace(/\.3$/, '.4'));
    await third.store.close();
  });

  it('a journal without an entry (started again before it appended) keeps its head, not position 0, whose cursors were handed out (a hostile tester)', async () => {
    const file = journalFile();
    writeFileSync(file, '{"journal":2,"epoch":"abc","head":7}\n');
    const journal = openDemoJournal(file, () => {});
    expect(journal.restored).toEqual({ entries: 0, epoch: 'abc' });
    expect((await journal.store.append('alice', 'alerts', frame(8), null)).cursor).toBe('abc.8');
    expect(await journal.store.read(alice, 'abc.7', 100)).toMatchObject({ resume: 'resumed', entries: [{ cursor: 'abc.8' }] });
    await journal.store.close();
  });

  it('rewrites itself with what the store keeps, so a long demo does not grow it without bound', async () => {
    const file = journalFile();
    let now = 0;
    const journal = openDemoJournal(file, () => {}, () => now);
    for (let i = 0; i < 12_000; i++) {
      now += 100; // 10 a second: 5 minutes is 3,000 entries
      await journal.store.append('alice', 'alerts', frame(i), null);
    }
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBeLessThan(3_000 + 5_000 + 2);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ p: 12_000 });
    const again = openDemoJournal(file, () => {}, () => now);
    // The entries of the last 5 minutes, both ends in.
    expect(again.restored).toMatchObject({ entries: 3_001 });
  });

  it('without a lock (no folder), keeps nothing and says why', async () => {
    const file = path.join(journalFile(), 'no-such-folder', 'journal.ndjson');
    const journal = openDemoJournal(file, () => {});
    expect(journal).toMatchObject({ kept: false, restored: { fresh: expect.stringMatching(/^cannot lock the demo journal \(ENOENT/) } });
    await journal.store.append('alice', 'alerts', frame(1), null);
    expect((await journal.store.append('alice', 'alerts', frame(2), null)).cursor).toMatch(/\.2$/);
  });

  it('once it cannot be written, is removed, so that a restart is a new epoch, not positions given to other messages (a reviewer)', async () => {
    const file = journalFile();
    const warnings: string[] = [];
    const first = openDemoJournal(file, (line) => warnings.push(line));
    const a = await first.store.append('alice', 'alerts', frame(0), null);
    // The rewrite after 5,000 entries cannot make its file.
    mkdirSync(`${file}.${process.pid}.tmp`);
    for (let i = 1; i <= 5_010; i++) await first.store.append('alice', 'alerts', frame(i), null);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^cannot write the demo journal .*: EISDIR.*; its streams go on in memory only \(a restart will be a gap\)$/);
    expect(existsSync(file)).toBe(false);
    expect(first.store.status().detail).toMatch(/no journal \(it could not be written\)$/);
    await first.store.close();
    rmdirSync(`${file}.${process.pid}.tmp`);
    const second = openDemoJournal(file, () => {});
    expect(second.restored).toEqual({ fresh: 'no journal yet' });
    expect((await second.store.read(alice, a.cursor, 10)).resume).toBe('gap');
    await second.store.close();
    // A first start that cannot write it says so, not "no journal yet" (a reviewer).
    mkdirSync(`${file}.${process.pid}.tmp`);
    rmSync(file, { force: true });
    const third = openDemoJournal(file, () => {});
    expect(third).toMatchObject({ kept: false, restored: { fresh: 'the journal cannot be written' } });
    await third.store.close();
    rmdirSync(`${file}.${process.pid}.tmp`);
  });

  it('is kept by one demo at a time: a second one keeps its streams in memory; a lock of a process that is gone is taken over', async () => {
    const file = journalFile();
    writeFileSync(`${file}.lock`, `${process.ppid}\n`);
    const second = openDemoJournal(file, () => {});
    expect(second).toMatchObject({ kept: false, restored: { fresh: `another demo (pid ${process.ppid}) keeps the journal of this port` } });
    await second.store.append('alice', 'alerts', frame(1), null);
    expect(existsSync(file)).toBe(false);
    writeFileSync(`${file}.lock`, '2147483646\n');
    const third = openDemoJournal(file, () => {});
    expect(third.kept).toBe(true);
    const started = processStartTime(process.pid);
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe(started === undefined ? `${process.pid}\n` : `${process.pid} ${started}\n`);
    await third.store.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('has one holder when two demos take the same stale lock over at the same moment (a reviewer: 1 round in 15 had two)', async () => {
    const dir = path.dirname(journalFile());
    const rounds = 12;
    for (let i = 0; i < rounds; i++) writeFileSync(path.join(dir, `j${i}.ndjson.lock`), '2147483646\n');
    const journalModule = JSON.stringify(pathToFileURL(path.join(import.meta.dirname, '../../src/cli/demo-journal.ts')).href);
    // Each process opens round i's journal at the same planned moment, says whether it kept it, and holds it to the end.
    const script = `const { openDemoJournal } = await import(${journalModule});
const [dir, start, rounds] = process.argv.slice(-3);
const held = [];
for (let i = 0; i < Number(rounds); i++) {
  while (Date.now() < Number(start) + i * 150);
  const journal = openDemoJournal(dir + '/j' + i + '.ndjson', () => {});
  held.push(journal);
  process.stdout.write(journal.kept ? 'K' : '-');
}
await new Promise((resolve) => setTimeout(resolve, 300));
for (const journal of held) await journal.store.close();`;
    const start = String(Date.now() + 3000);
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir, start, String(rounds)], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk));
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${out}`))));
      });
    const [a, b] = await Promise.all([run(), run()]);
    expect(a).toHaveLength(rounds);
    for (let i = 0; i < rounds; i++) expect(`round ${i}: ${a[i]}${b[i]}`).toMatch(/: (K-|-K)$/);
  }, 30_000);

  it("leaves another demo's lock in the making when it clears its own leftovers (removing the stale lock one had moved aside let both hold it: a reviewer)", async () => {
    const file = journalFile();
    const others = [`${file}.lock.123.tmp`, `${file}.lock.123.aside.tmp`];
    for (const other of others) writeFileSync(other, '123 456\n');
    // What a rewrite cut short left: removed.
    writeFileSync(`${file}.999.tmp`, '{}');
    const journal = openDemoJournal(file, () => {});
    expect(journal.kept).toBe(true);
    expect(others.filter((other) => existsSync(other))).toEqual(others);
    expect(existsSync(`${file}.999.tmp`)).toBe(false);
    await journal.store.close();
  });

  it.runIf(process.platform === 'linux')('takes over a lock whose pid now names another process (started later: the pid reused; a fresh user)', async () => {
    const file = journalFile();
    const parent = processStartTime(process.ppid)!;
    // The live parent's pid, with its own start time: held.
    writeFileSync(`${file}.lock`, `${process.ppid} ${parent}\n`);
    expect(openDemoJournal(file, () => {}).kept).toBe(false);
    // The same pid with another start time: the demo that wrote it is gone.
    writeFileSync(`${file}.lock`, `${process.ppid} ${Number(parent) + 1}\n`);
    const journal = openDemoJournal(file, () => {});
    expect(journal.kept).toBe(true);
    await journal.store.close();
  });

  it.runIf(process.platform === 'linux')("keeps the lock of a live demo whose memory grew since it wrote it: a second demo keeps its streams in memory (a start time read from a field that changes as a process runs let it take the journal over: tCK F3)", async () => {
    const file = journalFile();
    // A live holder that says when it runs, and grows by 64 MiB when told to: its size and times change, its start time does not.
    const script = "process.stdout.write('up'); process.stdin.once('data', () => { globalThis.kept = Buffer.alloc(64 * 2 ** 20, 1); process.stdout.write('grown'); }); setInterval(() => {}, 1000);";
    const holder = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'ignore'] });
    const said = () => new Promise<string>((resolve) => holder.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    try {
      expect(await said()).toBe('up');
      const started = processStartTime(holder.pid!)!;
      // Started after this process, in clock ticks since boot.
      expect(Number(started)).toBeGreaterThanOrEqual(Number(processStartTime(process.pid)));
      // The lock as the holder's takeLock writes it.
      writeFileSync(`${file}.lock`, `${holder.pid} ${started}\n`);
      holder.stdin.write('grow\n');
      expect(await said()).toBe('grown');
      const second = openDemoJournal(file, () => {});
      expect(second).toMatchObject({ kept: false, restored: { fresh: `another demo (pid ${holder.pid}) keeps the journal of this port` } });
      await second.store.close();
      expect(readFileSync(`${file}.lock`, 'utf8')).toBe(`${holder.pid} ${started}\n`);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes back the entries of a journal whose last line a kill -9 cut short in mid-write, in the same epoch, and goes on writing whole lines after them (tCS F11)', async () => {
    const file = journalFile();
    const first = openDemoJournal(file, () => {});
    let cursor = '';
    for (let n = 1; n <= 3; n++) cursor = (await first.store.append('alice', 'alerts', frame(n), null)).cursor;
    const [epoch] = cursor.split('.');
    await first.store.close();
    // A fourth entry's line, cut short: no newline after it (its frame never reached a socket).
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"p":4,"u":"alice","t":"alerts","k":null,"at":17`);
    const second = openDemoJournal(file, () => {});
    expect(second.restored).toMatchObject({ entries: 3, epoch });
    const read = await second.store.read(alice, `${epoch}.1`, 100);
    expect([read.resume, read.entries.map(nOf)]).toEqual(['resumed', [2, 3]]);
    // Position 4 again (the cut one was never sent), on a line of its own: a third start takes all four back.
    expect((await second.store.append('alice', 'alerts', frame(4), null)).cursor).toBe(`${epoch}.4`);
    await second.store.close();
    const third = openDemoJournal(file, () => {});
    expect(third.restored).toMatchObject({ entries: 4, epoch });
    await third.store.close();
  });

  it("is readable and writable by its owner alone (0600), as its lock is: it holds every user's messages (tCS F10: only a test of restored entries held it)", async () => {
    const file = journalFile();
    const mode = (name: string) => (statSync(name).mode & 0o777).toString(8);
    const first = openDemoJournal(file, () => {});
    await first.store.append('alice', 'alerts', frame(1), null);
    expect([mode(file), mode(`${file}.lock`)]).toEqual(['600', '600']);
    await first.store.close();
    // Taken back and rewritten by the next start: still its owner's alone.
    const second = openDemoJournal(file, () => {});
    expect(second.restored).toMatchObject({ entries: 1 });
    await second.store.append('bob', 'alerts', frame(2), null);
    expect([mode(file), mode(`${file}.lock`)]).toEqual(['600', '600']);
    await second.store.close();
  });

  it("removes the journals of other ports and checkouts not written for a day, but not one a live demo holds", async () => {
    const dir = path.dirname(journalFile());
    const day = Date.now() / 1000 - 24 * 3600 - 60;
    const old = (name: string) => {
      writeFileSync(path.join(dir, name), '{"journal":2,"epoch":"abc","head":0}\n');
      utimesSync(path.join(dir, name), day, day);
    };
    old('journal-8000-0123abcd.ndjson');
    old('journal-8000-0123abcd.ndjson.4242.tmp');
    old('journal-8001-0123abcd.ndjson');
    // Held by a live process (the test runner's parent) since a day, as a demo stopped (Ctrl-Z) for a day holds it: left, as is its lock.
    // Its lock older than a minute, so that what keeps it is its live holder (tCS F4: a lock made just now kept it by its age alone).
    writeFileSync(path.join(dir, 'journal-8001-0123abcd.ndjson.lock'), `${process.ppid}\n`);
    utimesSync(path.join(dir, 'journal-8001-0123abcd.ndjson.lock'), day, day);
    writeFileSync(path.join(dir, 'journal-8002-0123abcd.ndjson'), '{"journal":2,"epoch":"abc","head":0}\n');
    // Not written for 23 hours: less than a day, left (tCS F5: only journals just written were, so an hour's limit passed).
    writeFileSync(path.join(dir, 'journal-8007-0123abcd.ndjson'), '{"journal":2,"epoch":"abc","head":0}\n');
    utimesSync(path.join(dir, 'journal-8007-0123abcd.ndjson'), day + 3600 + 60, day + 3600 + 60);
    // Locks without a journal: one of a process gone (swept), one of a live one (left).
    old('journal-8004-0123abcd.ndjson.lock');
    writeFileSync(path.join(dir, 'journal-8005-0123abcd.ndjson.lock'), `${process.ppid}\n`);
    utimesSync(path.join(dir, 'journal-8005-0123abcd.ndjson.lock'), day, day);
    // A lock made just now, its pid not yet written (another demo starting): its old journal is left (a reviewer).
    old('journal-8006-0123abcd.ndjson');
    writeFileSync(path.join(dir, 'journal-8006-0123abcd.ndjson.lock'), '');
    old('notes.ndjson');
    const own = openDemoJournal(path.join(dir, 'journal-8003-0123abcd.ndjson'), () => {});
    expect(readdirSync(dir).sort()).toEqual([
      'journal-8001-0123abcd.ndjson', 'journal-8001-0123abcd.ndjson.lock', 'journal-8002-0123abcd.ndjson', 'journal-8003-0123abcd.ndjson', 'journal-8003-0123abcd.ndjson.lock',
      'journal-8005-0123abcd.ndjson.lock', 'journal-8006-0123abcd.ndjson', 'journal-8006-0123abcd.ndjson.lock', 'journal-8007-0123abcd.ndjson', 'notes.ndjson',
    ]);
    await own.store.close();
  });

  it.runIf(process.platform === 'linux')('takes over the lock of a demo killed but not yet reaped (a zombie: a hostile tester)', async () => {
    const file = journalFile();
    // sh starts a short sleep, then becomes a long one, which never reaps the short one: a zombie.
    const parent = spawn('sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 20'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number.parseInt(await new Promise<string>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()))), 10);
      for (let i = 0; i < 100 && !readFileSync(`/proc/${zombie}/stat`, 'utf8').includes(') Z '); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(readFileSync(`/proc/${zombie}/stat`, 'utf8')).toContain(') Z ');
      writeFileSync(`${file}.lock`, `${zombie}\n`);
      const journal = openDemoJournal(file, () => {});
      expect(journal.kept).toBe(true);
      await journal.store.close();
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('starts anew, saying why, on a journal it cannot continue, and never drops an entry from the middle', async () => {
    const file = journalFile();
    for (const [text, why] of [
      ['{"journal":2,"epoch":"abc","head":0}\nnull\n', 'line 2 of the journal is not an entry after position 0'],
      ['{"journal":2,"epoch":"abc"}\n', 'the journal has no header of this version'],
      // Version 1 had no head (a journal with no entry left went back to position 0).
      ['{"journal":1,"epoch":"abc"}\n', 'the journal has no header of this version'],
      ['{"journal":2,"epoch":"abc","head":-1}\n', 'the journal has no header of this version'],
      [`{"journal":2,"epoch":"abc","head":${2 ** 53}}\n`, 'the journal has no header of this version'],
      ['[1]\n', 'the journal has no header of this version'],
      // Frames edited: served as they were (a hostile tester). Not JSON, another cursor, another type, invalid.
      ...[
        ['THIS IS NOT JSON', 'alerts'],
        [frame(1)('abc.7'), 'alerts'],
        [frame(1)('abc.1'), 'trades'],
        [JSON.stringify({ type: 'alerts', data: 'nope', ts: '2026-01-14T16:30:00.000Z', cursor: 'abc.1' }), 'alerts'],
      ].map(([f, t]) => [`{"journal":2,"epoch":"abc","head":0}\n${JSON.stringify({ p: 1, at: BASE, u: 'alice', t, k: null, f })}\n`, `line 2 of the journal holds no valid ${t} message at its cursor`] as const),
      // A position whose successors are not exact, a time far ahead.
      [`{"journal":2,"epoch":"abc","head":0}\n${JSON.stringify({ p: 2 ** 53 - 1, at: BASE, u: 'alice', t: 'alerts', k: null, f: frame(1)(`abc.${2 ** 53 - 1}`) })}\n`, 'line 2 of the journal is not an entry after position 0'],
      [`{"journal":2,"epoch":"abc","head":0}\n${JSON.stringify({ p: 1, at: Date.now() + 3_600_000, u: 'alice', t: 'alerts', k: null, f: frame(1)('abc.1') })}\n`, 'line 2 of the journal is not an entry after position 0'],
    ] as const) {
      writeFileSync(file, text);
      const journal = openDemoJournal(file, () => {});
      expect(journal.restored).toEqual({ fresh: why });
      await journal.store.close();
    }
    // Not a regular file (a FIFO held the start for good: a hostile tester).
    rmSync(file);
    mkdirSync(file);
    expect(openDemoJournal(file, () => {}).restored).toEqual({ fresh: 'the journal cannot be read: it is not a regular file' });
    rmSync(file, { recursive: true });
    // A clock stepped back: entry 2 older than entry 3 stays, as the store itself keeps it.
    let now = 1_000_000;
    const first = openDemoJournal(file, () => {}, () => now);
    const one = await first.store.append('alice', 'alerts', frame(1), null);
    now -= 400_000;
    await first.store.append('alice', 'alerts', frame(2), null);
    now += 400_001;
    await first.store.append('alice', 'alerts', frame(3), null);
    await first.store.close();
    const again = openDemoJournal(file, () => {}, () => now);
    expect((await again.store.read(alice, one.cursor, 10)).entries.map(nOf)).toEqual([2, 3]);
    await again.store.close();
  });
});
