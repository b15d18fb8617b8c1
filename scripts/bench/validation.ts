/** Sections 1 and 2: validating parsed messages per type, and `parseMessage` against `JSON.parse`. */
import { parseMessage } from '../../src/index.js';
import type { Candidate } from './candidates.js';
import { handValidate } from './hand.js';
import type { TypeFixtures } from './fixtures.js';
import { interleave, median, medianRatio, ratioSpread, type Entry, type InterleaveOptions } from './harness.js';

export interface Disagreement {
  candidate: string;
  type: string;
  fixture: string;
  expected: 'accept' | 'reject';
  got: 'accept' | 'reject' | 'throws';
}

/** One candidate on one input set of one type. */
export interface CandidateFigure {
  /** Median ns per call over rounds. */
  ns: number;
  /** Median over rounds of this candidate's time / the hand-written check's, same round. */
  vsHand: number;
  /** Whether the candidate gave the expected verdict on every input of the set. */
  agrees: boolean;
}

export interface ValidationRow {
  type: string;
  validInputs: number;
  invalidInputs: number;
  valid: Record<string, CandidateFigure>;
  invalid: Record<string, CandidateFigure>;
  /** Strict validator: median of per-round invalid-time / valid-time. */
  strictInvalidOverValid: number;
  /** Interquartile spread of the strict/hand ratio on valid input, relative to its median. */
  strictVsHandSpread: number;
}

/**
 * Checks every candidate's verdict on every fixture of its type, then times all candidates
 * on valid and invalid inputs of one type interleaved in the same rounds (12 entries), so
 * that strict/hand and invalid/valid are ratios of neighbours in time.
 */
export function benchValidation(
  fixtures: readonly TypeFixtures[],
  candidates: readonly Candidate[],
  options: InterleaveOptions,
): { rows: ValidationRow[]; disagreements: Disagreement[] } {
  const disagreements: Disagreement[] = [];
  const rows: ValidationRow[] = [];
  for (const { type, valid, invalid } of fixtures) {
    const agrees = new Map<string, boolean>();
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
          }
          if (got !== (expected ? 'accept' : 'reject')) {
            all = false;
            disagreements.push({ candidate: candidate.id, type, fixture: message.name, expected: expected ? 'accept' : 'reject', got });
          }
        }
        agrees.set(`${candidate.id}/${set}`, all);
      }
    }
    const threw = new Set(disagreements.filter((d) => d.type === type && d.got === 'throws').map((d) => d.candidate));
    // Only a candidate that throws gets the try/catch wrapper: it costs a call, which would
    // otherwise tilt every ratio.
    const entries: Entry[] = candidates.flatMap((candidate) => {
      const fn = threw.has(candidate.id) ? safe(candidate.validate) : candidate.validate;
      return [
        { id: `${candidate.id}/valid`, fn, inputs: valid.map((m) => m.value) },
        { id: `${candidate.id}/invalid`, fn, inputs: invalid.map((m) => m.value) },
      ];
    });
    const samples = interleave(entries, options);
    const figures = (set: 'valid' | 'invalid') =>
      Object.fromEntries(
        candidates.map((candidate) => {
          const mine = samples.get(`${candidate.id}/${set}`)!;
          return [candidate.id, { ns: median(mine), vsHand: medianRatio(mine, samples.get(`hand/${set}`)!), agrees: agrees.get(`${candidate.id}/${set}`)! }];
        }),
      );
    rows.push({
      type,
      validInputs: valid.length,
      invalidInputs: invalid.length,
      valid: figures('valid'),
      invalid: figures('invalid'),
      strictInvalidOverValid: medianRatio(samples.get('strict/invalid')!, samples.get('strict/valid')!),
      strictVsHandSpread: ratioSpread(samples.get('strict/valid')!, samples.get('hand/valid')!),
    });
  }
  return { rows, disagreements };
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

export interface ParseRow {
  type: string;
  inputs: number;
  /** Mean serialized size, bytes (UTF-16 code units). */
  meanChars: number;
  jsonParseNs: number;
  parseMessageNs: number;
  /** Median over rounds of parseMessage / JSON.parse, same round. */
  ratio: number;
  /** The same for JSON.parse followed by the hand-written check: the practical floor for the ratio. */
  handRatio: number;
}

/**
 * `JSON.parse` alone against `parseMessage` (parse + strict validation) on each type's valid
 * messages, serialized; JSON.parse + the hand-written check beside them shows how low the ratio can go.
 */
export function benchParse(fixtures: readonly TypeFixtures[], options: InterleaveOptions): ParseRow[] {
  return fixtures.map(({ type, valid }) => {
    const texts = valid.map((m) => JSON.stringify(m.value));
    const rejected = texts.filter((text) => !parseMessage(text).ok);
    if (rejected.length > 0) throw new Error(`parseMessage rejects valid ${type} fixtures: ${rejected.join(' | ')}`);
    const samples = interleave(
      [
        { id: 'json', fn: (text: string) => JSON.parse(text), inputs: texts },
        { id: 'parse', fn: (text: string) => parseMessage(text, { mode: 'strict' }), inputs: texts },
        { id: 'hand', fn: (text: string) => handValidate(JSON.parse(text)), inputs: texts },
      ],
      options,
    );
    return {
      type,
      inputs: texts.length,
      meanChars: Math.round(texts.reduce((sum, text) => sum + text.length, 0) / texts.length),
      jsonParseNs: median(samples.get('json')!),
      parseMessageNs: median(samples.get('parse')!),
      ratio: medianRatio(samples.get('parse')!, samples.get('json')!),
      handRatio: medianRatio(samples.get('hand')!, samples.get('json')!),
    };
  });
}
