import type { SchemaNode } from '../contract/index.js';
import type { ChangeInput } from './index.js';
import { UNDECLARED_POLLING } from '../codegen/check.js';

/** Schema files by file name, as parsed JSON. */
export type SchemaFiles = Map<string, SchemaNode>;

/**
 * Facts the contract loader requires today that older contracts did not declare: v1.0 had no
 * audiences, delivery classes, polling fallback, close codes or error codes. Each with the
 * placeholder used when neither side declares it (the same on both sides, so no change).
 */
const MESSAGE_FACTS: Record<string, unknown> = {
  'x-audience': 'connection',
  'x-delivery': { class: 'event' },
};
const PROTOCOL_FACTS: Record<string, unknown> = {
  'x-polling': { path: '/', holdMs: 0, maxMessages: 0, description: UNDECLARED_POLLING },
  'x-close-codes': [],
  'x-error-codes': [],
};

/** The `changes` of the placeholder entry for an `x-version` its history does not list yet. */
const UNLISTED_VERSION = 'Not listed in x-version-history: diff reads the version alone.';

/**
 * Makes two contracts of different versions loadable by today's loader, so that `diff` can
 * compare a v1.1 working tree with a v1.0 release: a fact one side does not declare is
 * copied from the other side (so it does not show as a change of value), and the change is
 * reported as the fact being declared (compatible) or dropped (breaking). A fact neither side
 * declares gets the same placeholder on both. A side whose `x-version-history` does not end
 * with its `x-version` (a bump whose entry is not written yet: `diff` is what suggests the
 * version) gets a placeholder entry for it, which the loader then accepts: `diff` compares
 * versions, never the history, and `generate` still refuses such a contract. Pure: returns new
 * maps, the inputs are untouched.
 *
 * @returns both sides, filled, and the changes that record what was declared or dropped
 */
export function alignUndeclaredFacts(before: SchemaFiles, after: SchemaFiles): { before: SchemaFiles; after: SchemaFiles; changes: ChangeInput[] } {
  const left = new Map([...before].map(([file, schema]) => [file, { ...schema }]));
  const right = new Map([...after].map(([file, schema]) => [file, { ...schema }]));
  // Per fact: the files where the older side lacks it (declared) or the newer side does (dropped).
  const declared = new Map<string, string[]>();
  const dropped = new Map<string, string[]>();
  const note = (map: Map<string, string[]>, key: string, file: string) => map.set(key, [...(map.get(key) ?? []), file]);
  const fill = (file: string, facts: Record<string, unknown>) => {
    const a = left.get(file);
    const b = right.get(file);
    for (const [key, placeholder] of Object.entries(facts)) {
      const inA = a !== undefined && a[key] !== undefined;
      const inB = b !== undefined && b[key] !== undefined;
      if (inA && inB) continue;
      if (a && b && inB) {
        a[key] = b[key];
        note(declared, key, file);
      } else if (a && b && inA) {
        b[key] = a[key];
        note(dropped, key, file);
      } else {
        if (a && !inA) a[key] = placeholder;
        if (b && !inB) b[key] = placeholder;
      }
    }
  };
  const isMessage = (schema: SchemaNode | undefined) => schema !== undefined && schema['x-direction'] !== undefined;
  for (const file of [...new Set([...left.keys(), ...right.keys()])].sort()) {
    if (isMessage(left.get(file)) || isMessage(right.get(file))) fill(file, MESSAGE_FACTS);
  }
  fill('protocol.json', PROTOCOL_FACTS);
  for (const side of [left, right]) {
    const protocol = side.get('protocol.json');
    const version = protocol?.['x-version'];
    const history = protocol?.['x-version-history'];
    if (typeof version !== 'string' || !Array.isArray(history)) continue;
    const last: unknown = history.at(-1);
    if (typeof last === 'object' && last !== null && (last as { version?: unknown }).version === version) continue;
    const others = history.filter((entry: unknown) => typeof entry !== 'object' || entry === null || (entry as { version?: unknown }).version !== version);
    protocol!['x-version-history'] = [...others, { version, date: '0000-01-01', changes: UNLISTED_VERSION }];
  }
  const where = (files: string[]) => (files.length === 1 ? files[0]! : `${files.length} files: ${files.join(', ')}`);
  const changes: ChangeInput[] = [
    ...[...declared].map(([key, files]): ChangeInput => ({
      rule: 'protocol-fact-added', level: 'compatible', subject: null, direction: null, pointer: `/${key}`,
      text: `${key} declared, where the older contract did not declare it (${where(files)})`, impact: 'older peers did not rely on it',
    })),
    ...[...dropped].map(([key, files]): ChangeInput => ({
      rule: 'protocol-fact-removed', level: 'breaking', subject: null, direction: null, pointer: `/${key}`,
      text: `${key} no longer declared (${where(files)})`, impact: 'older peers may rely on it',
    })),
  ];
  return { before: left, after: right, changes };
}
