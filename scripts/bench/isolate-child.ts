/** One bench isolate, a child process (see isolate.ts): builds the functions it is asked to time and runs their batches. */
import { do_not_optimize } from 'mitata';
import { parseMessage } from '../../src/index.js';
import { handValidate } from './hand.js';
import { calibrate, cpu, makeLoop, timeBatch, type Entry, type InterleaveOptions, type Loop } from './harness.js';
import type { Subject } from './isolate.js';

type Request =
  | { op: 'load'; key: string; subject: Subject; texts: string[]; parse: boolean }
  | { op: 'prime'; warmupNs: number }
  | { op: 'calibrate'; key: string; options: InterleaveOptions }
  | { op: 'run'; key: string; n: number };

interface Loaded {
  fn: Entry['fn'];
  inputs: unknown[];
  /** Its own loop, so that its call site sees only this function. */
  loop: Loop;
}

const loaded = new Map<string, Loaded>();

async function build(subject: Subject): Promise<Entry['fn']> {
  switch (subject.kind) {
    case 'candidate': {
      // Imported only by the isolates that time a candidate: the others run none of its peers' code.
      const { buildCandidates } = await import('./candidates.js');
      const { candidates } = await buildCandidates(subject.types, subject.id);
      const validate = candidates.find((candidate) => candidate.id === subject.id)?.validate;
      if (!validate) throw new Error(`no candidate ${subject.id}`);
      return subject.safe ? safe(validate) : validate;
    }
    case 'json':
      return (text: string) => JSON.parse(text);
    case 'floor':
      return (text: string) => handValidate(JSON.parse(text));
    case 'parse':
      return (text: string) => parseMessage(text, { mode: 'strict' });
    case 'lever': {
      const { buildLever } = await import('./lever-subjects.js');
      return buildLever(subject.id, subject.types);
    }
    case 'parse-first-error':
      return (text: string) => {
        const result = parseMessage(text, { mode: 'strict' });
        return result.ok ? result : result.errors[0];
      };
  }
}

/** A candidate that throws on some invalid input (reported as a disagreement) must not abort the timing. */
function safe(validate: (value: unknown) => boolean): (value: unknown) => boolean {
  return (value) => {
    try {
      return validate(value);
    } catch {
      return false;
    }
  };
}

/** The built function of each subject, once per isolate: a candidate's valid and invalid sets share it, as one validator sees both. */
const built = new Map<string, Entry['fn']>();

async function answer(request: Request): Promise<number> {
  if (request.op === 'load') {
    const name = JSON.stringify(request.subject);
    let fn = built.get(name);
    if (!fn) built.set(name, (fn = await build(request.subject)));
    loaded.set(request.key, { fn, inputs: request.parse ? request.texts.map((text) => JSON.parse(text) as unknown) : request.texts, loop: makeLoop() });
    return 0;
  }
  if (request.op === 'prime') {
    // Every set this isolate times, one pass each in turn: the functions see all their inputs
    // (valid and invalid) before V8 settles on their code, as a long-running process's would.
    const sets = [...loaded.values()];
    // On the CPU clock even under BENCH_CLOCK=wall: the isolates of a draw prime side by side,
    // and a second of wall time shared by seven of them on two cores would be too short.
    const until = cpu() + request.warmupNs;
    while (cpu() < until) for (const { loop, fn, inputs } of sets) loop(fn, inputs, inputs.length, do_not_optimize);
    return 0;
  }
  const entry = loaded.get(request.key);
  if (!entry) throw new Error(`nothing loaded as ${request.key}`);
  if (request.op === 'calibrate') return calibrate(entry.loop, entry.fn, entry.inputs, request.options);
  return timeBatch(entry.loop, entry.fn, entry.inputs, request.n);
}

process.on('message', (request: Request) => {
  answer(request).then(
    (value) => process.send!({ value }),
    (error: unknown) => process.send!({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
// The bench gone (killed, crashed): nothing left to answer.
process.on('disconnect', () => process.exit(0));
