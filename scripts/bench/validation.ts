/** Validation of parsed messages per type and on a mixed stream, and `parseMessage` against its floor. */
import { parseMessage } from '../../src/index.js';
import type { Candidate } from './candidates.js';
import { median, ratio, type Ratio, type Samples } from './harness.js';
import { interleaveIsolated, type IsolatedEntry, type IsolatedOptions } from './isolate.js';
import { texts, type TypeInputs } from './inputs.js';

export interface Disagreement {
  candidate: string;
  type: string;
  input: string;
  expected: 'accept' | 'reject';
  got: 'accept' | 'reject' | 'throws';
}

/** One candidate on one input set. */
export interface CandidateFigure {
  /** Median ns per call over rounds. */
  ns: number;
  /** This candidate's time / the hand-written limit's, same round: median and IQR over rounds. */
  vsHand: Ratio;
  /** Whether the candidate gave the expected verdict on every input of the set. */
  agrees: boolean;
}

/** One type (or the mixed stream) timed: every candidate on valid and on invalid input. */
export interface ValidationRow {
  type: string;
  validInputs: number;
  invalidInputs: number;
  valid: Record<string, CandidateFigure>;
  invalid: Record<string, CandidateFigure>;
  /** Strict validator: time per invalid message / per valid message, same round. */
  strictInvalidOverValid: Ratio;
  /** How many times this row was measured (a failing target is re-measured before it is reported). */
  attempts: number;
}

/** Each candidate's verdict on every input against the expected one; disagreements make a column not comparable. */
export function checkVerdicts(inputs: readonly TypeInputs[], candidates: readonly Candidate[]): { disagreements: Disagreement[]; agrees: Map<string, boolean>; throws: Set<string> } {
  const disagreements: Disagreement[] = [];
  const agrees = new Map<string, boolean>();
  const throws = new Set<string>();
  for (const { type, valid, invalid } of inputs) {
    for (const candidate of candidates) {
      for (const [set, messages, fixtureValid] of [['valid', valid, true], ['invalid', invalid, false]] as const) {
        let all = true;
        for (const message of messages) {
          const expected = candidate.expected ? candidate.expected(fixtureValid, message.value) : fixtureValid;
          let got: Disagreement['got'];
          try {
            got = candidate.validate(message.value) ? 'accept' : 'reject';
          } catch {
            got = 'throws';
            throws.add(candidate.id);
          }
          if (got !== (expected ? 'accept' : 'reject')) {
            all = false;
            disagreements.push({ candidate: candidate.id, type, input: message.name, expected: expected ? 'accept' : 'reject', got });
          }
        }
        agrees.set(`${candidate.id}/${type}/${set}`, all);
        agrees.set(`${candidate.id}/mixed/${set}`, (agrees.get(`${candidate.id}/mixed/${set}`) ?? true) && all);
      }
    }
  }
  return { disagreements, agrees, throws };
}

const earlier = new Map<string, Samples>();

/**
 * The rounds of every measurement of `key` so far, this one's last. A row measured again
 * after a missed target is judged on all its rounds: each measurement is a new draw of fresh
 * processes, and judging the last alone would make three tries a best of three.
 */
function pool(key: string, attempts: number, samples: Samples): Samples {
  const before = attempts > 1 ? earlier.get(key) : undefined;
  const all: Samples = before ? new Map([...samples].map(([id, list]) => [id, [...before.get(id)!, ...list]])) : samples;
  earlier.set(key, all);
  return all;
}

/**
 * Times every candidate on `valid` and `invalid` interleaved in the same rounds, so that
 * candidate/hand and invalid/valid are ratios of neighbours in time. Each candidate runs in
 * its own isolate (isolate.ts), on both sets.
 */
export async function benchSet(
  type: string,
  valid: readonly unknown[],
  invalid: readonly unknown[],
  candidates: readonly Candidate[],
  types: readonly string[],
  verdicts: ReturnType<typeof checkVerdicts>,
  options: IsolatedOptions,
  attempts: number,
): Promise<ValidationRow> {
  const validTexts = valid.map((value) => JSON.stringify(value));
  const invalidTexts = invalid.map((value) => JSON.stringify(value));
  const entries: IsolatedEntry[] = candidates.flatMap((candidate) => {
    // Only a candidate that throws gets the try/catch wrapper: it costs a call, which would otherwise tilt every ratio.
    const subject = { kind: 'candidate', id: candidate.id, types, safe: verdicts.throws.has(candidate.id) } as const;
    return [
      { id: `${candidate.id}/valid`, isolate: `candidate:${candidate.id}`, subject, texts: validTexts, parse: true },
      { id: `${candidate.id}/invalid`, isolate: `candidate:${candidate.id}`, subject, texts: invalidTexts, parse: true },
    ];
  });
  const samples = pool(`validation/${type}`, attempts, await interleaveIsolated(entries, options));
  const figures = (set: 'valid' | 'invalid') =>
    Object.fromEntries(
      candidates.map((candidate) => {
        const mine = samples.get(`${candidate.id}/${set}`)!;
        return [candidate.id, { ns: median(mine), vsHand: ratio(mine, samples.get(`hand/${set}`)!), agrees: verdicts.agrees.get(`${candidate.id}/${type}/${set}`) ?? false }];
      }),
    );
  return {
    type,
    validInputs: valid.length,
    invalidInputs: invalid.length,
    valid: figures('valid'),
    invalid: figures('invalid'),
    strictInvalidOverValid: ratio(samples.get('strict/invalid')!, samples.get('strict/valid')!),
    attempts,
  };
}

export interface ParseRow {
  type: string;
  inputs: number;
  /** Mean serialized size of the valid messages, UTF-16 code units. */
  meanChars: number;
  jsonParseNs: number;
  /** `JSON.parse` + the hand-written limit: the floor for `parseMessage`. */
  floorNs: number;
  parseMessageNs: number;
  /** `parseMessage` on messages rejected for a fault found last, the first error read. */
  rejectLastNs: number;
  /** parseMessage / floor, same round. Target ≤ 1.05. */
  vsFloor: Ratio;
  /** parseMessage / JSON.parse, same round (the old target's measure, for continuity). */
  vsJson: Ratio;
  /** floor / JSON.parse: how much any validation must add. */
  floorVsJson: Ratio;
  /** parseMessage rejecting a fault found last (error read) / parseMessage accepting the valid messages those faults were put into. Target ≤ 1.5. */
  rejectLastVsValid: Ratio;
  /**
   * The floor rejecting the same faulty texts / the floor accepting the valid ones: what
   * `JSON.parse` alone adds for the longer or costlier text of a fault (an extra key, a
   * fractional number), with a check that stops at its first fault and describes nothing.
   * No parser of the texts does better; where it is above 1.5, so is any implementation.
   */
  floorRejectVsAccept: Ratio;
  attempts: number;
}

/**
 * `JSON.parse`, its floor (`JSON.parse` + hand-written check) and `parseMessage` on one type's
 * valid texts, and `parseMessage` on its texts with a fault found last, all interleaved. A
 * rejection's first error is read (`result.errors[0]`), because a caller that logs or answers
 * the fault needs it: a result that builds its errors lazily pays then.
 */
export async function benchParseType(row: TypeInputs, options: IsolatedOptions, attempts: number): Promise<ParseRow> {
  const valid = texts(row.valid);
  const lastFault = texts(row.lastFault);
  const lastFaultBase = texts(row.lastFaultBase);
  const rejected = valid.filter((text) => !parseMessage(text).ok);
  if (rejected.length > 0) throw new Error(`parseMessage rejects valid ${row.type} inputs: ${rejected.join(' | ')}`);
  if (lastFault.some((text) => parseMessage(text).ok)) throw new Error(`parseMessage accepts an invalid ${row.type} input`);
  // JSON.parse, the floor and parseMessage each in its own isolate; accepting and rejecting
  // share parseMessage's, as a server's one parser sees both.
  const measured = await interleaveIsolated(
    [
      { id: 'json', isolate: 'json', subject: { kind: 'json' }, texts: valid, parse: false },
      { id: 'floor', isolate: 'floor', subject: { kind: 'floor' }, texts: valid, parse: false },
      // The floor's process sees the faults too, as parseMessage's does, and the valid messages
      // they were put into: its own reject / accept is what any parser of these texts pays.
      { id: 'floor-reject', isolate: 'floor', subject: { kind: 'floor' }, texts: lastFault, parse: false },
      { id: 'floor-accept', isolate: 'floor', subject: { kind: 'floor' }, texts: lastFaultBase, parse: false },
      { id: 'parse', isolate: 'parse', subject: { kind: 'parse' }, texts: valid, parse: false },
      { id: 'accept', isolate: 'parse', subject: { kind: 'parse' }, texts: lastFaultBase, parse: false },
      { id: 'reject', isolate: 'parse', subject: { kind: 'parse-first-error' }, texts: lastFault, parse: false },
    ],
    options,
  );
  const samples = pool(`parse/${row.type}`, attempts, measured);
  const get = (id: string) => samples.get(id)!;
  return {
    type: row.type,
    inputs: valid.length,
    meanChars: Math.round(valid.reduce((sum, text) => sum + text.length, 0) / valid.length),
    jsonParseNs: median(get('json')),
    floorNs: median(get('floor')),
    parseMessageNs: median(get('parse')),
    rejectLastNs: median(get('reject')),
    vsFloor: ratio(get('parse'), get('floor')),
    vsJson: ratio(get('parse'), get('json')),
    floorVsJson: ratio(get('floor'), get('json')),
    rejectLastVsValid: ratio(get('reject'), get('accept')),
    floorRejectVsAccept: ratio(get('floor-reject'), get('floor-accept')),
    attempts,
  };
}
