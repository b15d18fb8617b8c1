import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { emitDocs } from '../../src/codegen/docs/index.js';
import { prose } from '../../src/codegen/docs/field-table.js';
import { loadContract } from '../../src/contract/load.js';
import type { Contract, MessageSchema, SchemaNode } from '../../src/contract/schema.js';
import { resolvePointer } from '../../src/runtime/json-pointer.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const SCHEMAS = path.join(ROOT, 'schemas');

/** A field the schema declares: its path (`*` for a map key) and the description a reader should see. */
interface ExpectedField {
  path: string;
  description: string | undefined;
}

/**
 * Walks a schema independently of the generator: properties, map entries and every branch of
 * `anyOf`/`oneOf` (so the object inside a nullable field), following `$ref`s across files.
 */
function expectedFields(contract: Contract, message: MessageSchema): ExpectedField[] {
  const fields: ExpectedField[] = [];
  const resolve = (node: SchemaNode, file: string): [SchemaNode, string] => {
    if (!node.$ref) return [node, file];
    const [refFile, fragment = ''] = node.$ref.split('#');
    const target = refFile || file;
    return resolve(resolvePointer(contract.files.get(target), fragment) as SchemaNode, target);
  };
  const visit = (raw: SchemaNode, rawFile: string, prefix: string) => {
    const [node, file] = resolve(raw, rawFile);
    for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) visit(branch, file, prefix);
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const [target] = resolve(child, file);
      const path = `${prefix}${key}`;
      fields.push({ path, description: child.description ?? target.description });
      visit(child, file, `${path}.`);
    }
    if (typeof node.additionalProperties === 'object') {
      const [target] = resolve(node.additionalProperties, file);
      const path = `${prefix}*`;
      fields.push({ path, description: node.additionalProperties.description ?? target.description });
      visit(node.additionalProperties, file, `${path}.`);
    }
  };
  visit(message.schema, message.file, '');
  return fields;
}

/** The part of the page about one message: from its anchor to the next message anchor or `##` heading. */
function sectionOf(doc: string, type: string): string {
  const start = doc.indexOf(`<a id="message-${type}"></a>`);
  expect(start, `section of ${type}`).toBeGreaterThanOrEqual(0);
  const end = doc.slice(start + 1).search(/\n(<a id="message-|## )/);
  return end === -1 ? doc.slice(start) : doc.slice(start, start + 1 + end);
}

function tableRow(section: string, fieldPath: string): string | undefined {
  const pattern = fieldPath.split('.').map((segment) => (segment === '*' ? '<[^>]+>' : escapeRegExp(segment))).join('\\.');
  return new RegExp(`^\\| \`${pattern}\` \\|.*$`, 'm').exec(section)?.[0];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A description as a table cell shows it: prose escaped for Markdown (test/codegen/markdown-prose.test.ts), `|` escaped. */
function escapeCell(text: string): string {
  return prose(text).replace(/\|/g, '\\|');
}

function jsonBlocks(section: string): unknown[] {
  return [...section.matchAll(/```json\n([\s\S]*?)\n```/g)].map((match) => JSON.parse(match[1]!));
}

/** Cells of a table row, splitting on `|` not escaped as `\|`. */
function cells(row: string): string[] {
  return row.slice(1, -1).split(/(?<!\\)\|/);
}

/** The reference generated from a copy of the schemas whose trades.json `edit` changed (the copy removed after). */
async function docsWithTrades(edit: (schema: SchemaNode) => void): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'docs-test-'));
  try {
    await cp(SCHEMAS, dir, { recursive: true });
    const file = path.join(dir, 'trades.json');
    const schema = JSON.parse(await readFile(file, 'utf8')) as SchemaNode;
    edit(schema);
    await writeFile(file, JSON.stringify(schema));
    return emitDocs(await loadContract(dir)).get('docs/messages.md')!;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('emitDocs', () => {
  let contract: Contract;
  let doc: string;

  beforeAll(async () => {
    contract = await loadContract(SCHEMAS);
    doc = emitDocs(contract).get('docs/messages.md')!;
  });

  it('writes only docs/messages.md, deterministic and ending with a newline', () => {
    const output = emitDocs(contract);
    expect([...output.keys()]).toEqual(['docs/messages.md']);
    expect(output.get('docs/messages.md')).toBe(doc);
    expect(doc.endsWith('\n')).toBe(true);
    expect(doc).toMatch(/Generated/);
  });

  it('documents every field of every schema under its path, with its description', () => {
    for (const message of contract.messages) {
      const section = sectionOf(doc, message.type);
      for (const field of expectedFields(contract, message)) {
        const row = tableRow(section, field.path);
        expect(row, `${message.type}: row for ${field.path}`).toBeDefined();
        if (field.description) expect(row, `${message.type}: description of ${field.path}`).toContain(escapeCell(field.description));
      }
    }
  });

  it('shows every example as a JSON block equal to the schema example', () => {
    for (const message of contract.messages) {
      expect(jsonBlocks(sectionOf(doc, message.type)), message.type).toEqual(message.schema.examples);
    }
  });

  it('gives every message type its own section with its direction and spec section, in spec order', () => {
    const label = (directions: string[]) => (directions.length > 1 ? 'both ways' : directions[0] === 'server-to-client' ? 'server → client' : 'client → server');
    let previous = -1;
    for (const message of contract.messages) {
      const section = sectionOf(doc, message.type);
      expect(section).toContain(`### \`${message.type}\``);
      expect(section).toContain(`**Direction:** ${label(message.directions)}`);
      expect(section).toContain(`**Spec section:** ${message.section}`);
      const position = doc.indexOf(`<a id="message-${message.type}"></a>`);
      expect(position).toBeGreaterThan(previous);
      previous = position;
    }
    expect(contract.messages.find((m) => m.type === 'pong')?.directions).toEqual(['server-to-client', 'client-to-server']);
  });

  it('states the protocol facts: connection, keepalive timing, version history, shared definitions', () => {
    const { connection, keepalive, versionHistory } = contract.protocol;
    expect(doc).toContain(connection.url);
    expect(doc).toContain(connection.authentication);
    expect(doc).toContain(`| Ping interval | ${keepalive.pingIntervalMs / 1000} s (${keepalive.pingIntervalMs} ms) |`);
    expect(doc).toContain(`| Pong timeout | ${keepalive.pongTimeoutMs / 1000} s (${keepalive.pongTimeoutMs} ms) |`);
    for (const entry of versionHistory) expect(doc).toContain(`| v${entry.version} | ${entry.date} | ${entry.changes} |`);
    for (const name of Object.keys(contract.definitions.definitions ?? {})) expect(doc).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
  });

  it('renders resolved types, nullability, closed and open value lists and ranges', () => {
    const row = (type: string, field: string) => tableRow(sectionOf(doc, type), field);
    expect(row('trades', 'ts')).toContain('| string (RFC 3339 date-time) |');
    expect(row('trades', 'data.pnl')).toContain('| number \\| null |');
    expect(row('trades', 'data.side')).toContain('`"buy"` \\| `"sell"`');
    expect(row('trades', 'data.quantity')).toContain('| x > 0 |');
    expect(row('bots', 'data.trades_count')).toContain('| integer |');
    expect(row('bots', 'data.win_rate')).toContain('| 0 ≤ x ≤ 1 |');
    expect(row('whale', 'data.flow_type')).toContain('any string — known: `"inflow"`, `"outflow"`');
    expect(row('balances', 'data.balances.<asset>.free')).toContain('| number | yes | x ≥ 0 |');
    expect(row('decisions', 'data.sizing')).toContain('| object (Sizing) \\| null | yes |');
    expect(row('ai_tasks', 'data.result')).toContain('other fields allowed');
  });

  it('keeps every table row to its header’s column count', () => {
    for (const table of doc.split(/\n\n/).filter((block) => block.startsWith('| '))) {
      const [header, ...rows] = table.trimEnd().split('\n');
      for (const row of rows) expect(cells(row!), row).toHaveLength(cells(header!).length);
    }
  });

  it('matches the committed generated/docs/messages.md', async () => {
    expect(await readFile(path.join(ROOT, 'generated/docs/messages.md'), 'utf8')).toBe(doc);
  });

  it('follows a changed description in the schemas', async () => {
    let before = '';
    const changed = await docsWithTrades((schema) => {
      before = schema.definitions!.TradeData!.properties!.fee!.description!;
      const after = 'Fee charged by the exchange | in the quote asset.';
      schema.definitions!.TradeData!.properties!.fee!.description = after;
    });
    const row = tableRow(sectionOf(changed, 'trades'), 'data.fee')!;
    expect(row).toContain('Fee charged by the exchange \\| in the quote asset.');
    expect(row).not.toContain(before);
    expect(cells(row)).toHaveLength(5);
    expect(sectionOf(changed, 'bots')).toBe(sectionOf(doc, 'bots'));
  });

  it('writes a pattern or a value that holds backticks as one code span (a hostile tester: the cell broke)', async () => {
    const changed = await docsWithTrades((schema) => {
      schema.definitions!.TradeData!.properties!.symbol = { type: 'string', pattern: '^[`]+$', description: 'Backticks.' };
      schema.definitions!.TradeData!.properties!.id = { const: 'a``b', description: 'Fixed.' };
    });
    expect(tableRow(sectionOf(changed, 'trades'), 'data.symbol')).toContain('matches ``^[`]+$``');
    expect(tableRow(sectionOf(changed, 'trades'), 'data.id')).toContain('```"a``b"```');
  });

  // `diff` calls a changed default or example documentation that generate rewrites the docs from;
  // neither reached the reference (a tester).
  it("states a field's default and examples after its description", async () => {
    const reference = await docsWithTrades((schema) => {
      Object.assign(schema.definitions!.TradeData!.properties!.fee!, { default: 0, examples: [2.55, -0.4] });
      schema.definitions!.TradeData!.properties!.venue = { type: 'string', examples: ['a|b'], description: 'Venue.' };
    });
    const changed = sectionOf(reference, 'trades');
    expect(cells(tableRow(changed, 'data.fee')!).at(-1)).toMatch(/\. Default: `0`\. Examples: `2\.55`, `-0\.4`\. $/);
    expect(cells(tableRow(changed, 'data.venue')!).at(-1)).toBe(' Venue. Example: `"a\\|b"`. ');
  });

  // A const and a one-value closed list read alike, and the legend said such a value passes with a
  // notice in tolerant mode: a const does not (a tester).
  it('tells a fixed value (const) from a closed list of one value, and the legend says a fixed value is refused in both modes', async () => {
    const doc = await docsWithTrades((schema) => {
      Object.assign(schema.definitions!.TradeData!.properties!, {
        kind: { type: 'string', const: 'grid', description: 'Kind.' },
        kind2: { type: 'string', enum: ['grid'], description: 'Kind 2.' },
      });
    });
    const changed = sectionOf(doc, 'trades');
    expect(cells(tableRow(changed, 'data.kind')!)[3]).toBe(' always `"grid"` ');
    expect(cells(tableRow(changed, 'data.kind2')!)[3]).toBe(' `"grid"` ');
    expect(cells(tableRow(changed, 'type')!)[3]).toBe(' always `"trades"` ');
    expect(doc).toMatch(/“always `"a"`” is a fixed value \(`const`\): anything else is rejected in both modes, tolerant too/);
  });

  // Both shapes' keys read "yes", always present, though a valid `leg` holds one of them (a tester).
  it('names the shape of each key under a choice of object shapes, required within that shape', async () => {
    const doc = await docsWithTrades((schema) => {
      schema.definitions!.TradeData!.properties!.leg = {
        description: 'One of two shapes.',
        anyOf: [
          { type: 'object', title: 'LegA', required: ['a'], additionalProperties: false, properties: { a: { type: 'integer', minimum: 1, description: 'A count.' }, note: { type: 'string', description: 'A note.' } } },
          { type: 'object', required: ['b'], additionalProperties: false, properties: { b: { type: 'string', enum: ['x', 'y'], description: 'A choice.' } } },
        ],
      };
    });
    const changed = sectionOf(doc, 'trades');
    expect(cells(tableRow(changed, 'data.leg.a')!)[2]).toBe(' yes, in `LegA` ');
    expect(cells(tableRow(changed, 'data.leg.note')!)[2]).toBe(' no, in `LegA` ');
    expect(cells(tableRow(changed, 'data.leg.b')!)[2]).toBe(' yes, in shape 2 ');
    // A nullable object is one shape: its keys' rows stay as they were.
    expect(cells(tableRow(sectionOf(doc, 'decisions'), 'data.sizing.quantity')!)[2]).toBe(' yes ');
    expect(doc).toContain('each key’s row names its shape (“yes, in `LegA`”): required when the value is of that shape');
  });

  it("states an array's size and uniqueness and a number's multipleOf (a hostile tester: the row said nothing, or x < 10 alone)", async () => {
    const reference = await docsWithTrades((schema) => {
      schema.definitions!.TradeData!.properties!.tags = { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 5, uniqueItems: true, description: 'Tags.' };
      schema.definitions!.TradeData!.properties!.legs = { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Legs.' };
      schema.definitions!.TradeData!.properties!.lots = { type: 'number', multipleOf: 0.5, exclusiveMaximum: 10, description: 'Lots.' };
    });
    const changed = sectionOf(reference, 'trades');
    expect(cells(tableRow(changed, 'data.tags')!)).toContain(' 2 ≤ items ≤ 5; items unique ');
    expect(cells(tableRow(changed, 'data.legs')!)).toContain(' items ≥ 1 ');
    expect(cells(tableRow(changed, 'data.lots')!)).toContain(' x < 10; a multiple of 0.5 ');
  });

  it("states the rules of an array's items, and documents the objects of an array of arrays (a hostile tester: \"array of string\" and an empty cell)", async () => {
    const reference = await docsWithTrades((schema) => {
      Object.assign(schema.definitions!.TradeData!.properties!, {
        tags: { type: 'array', items: { type: 'string', enum: ['alpha', 'beta'] }, description: 'Tags.' },
        codes: { type: 'array', items: { type: 'string', pattern: '^[A-Z]{3}$' }, description: 'Codes.' },
        digits: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 9 }, description: 'Digits.' },
        venues: { type: 'array', items: { $ref: 'definitions.json#/definitions/Platform' }, description: 'Venues.' },
        notes: { type: 'array', items: { type: 'string' }, description: 'Notes.' },
        maybeNotes: { type: ['array', 'null'], items: { type: 'string' }, description: 'Nullable notes.' },
        notesOrNull: { type: 'array', items: { type: ['string', 'null'] }, description: 'Notes, each nullable.' },
        legs: { type: 'array', items: { type: 'array', items: { type: 'object', properties: { q: { type: 'number', minimum: 1, description: 'Leg quantity.' } }, required: ['q'], additionalProperties: false } }, description: 'Legs.' },
      });
    });
    const changed = sectionOf(reference, 'trades');
    const itemRow = (field: string) => cells(tableRow(changed, field)!).map((text) => text.trim());
    expect(itemRow('data.tags[]')).toEqual(['`data.tags[]`', 'string', '—', '`"alpha"` \\| `"beta"`', '']);
    expect(itemRow('data.codes[]')[3]).toBe('matches `^[A-Z]{3}$`');
    expect(itemRow('data.digits[]').slice(1, 4)).toEqual(['integer', '—', '0 ≤ x ≤ 9']);
    expect(itemRow('data.venues[]')[3]).toContain('`"luno"`');
    expect(itemRow('data.legs[]')[1]).toBe('array of object');
    expect(itemRow('data.legs[][].q')).toEqual(['`data.legs[][].q`', 'number', 'yes', 'x ≥ 1', 'Leg quantity.']);
    // A nullable array and an array of nullable items read alike (a hostile tester); "array of
    // string | null" still read as the latter, beside "array of (string | null)" (tDX F7).
    expect(itemRow('data.maybeNotes')[1]).toBe('(array of string) \\| null');
    expect(itemRow('data.notesOrNull')[1]).toBe('array of (string \\| null)');
    // Plain items add nothing to "array of string": no row of their own.
    expect(tableRow(changed, 'data.notes')).toBeDefined();
    expect(tableRow(changed, 'data.notes[]')).toBeUndefined();
  });

  it('lists every top-level key of the enveloped messages in the envelope, with the messages that may carry it (a fresh tester: "exactly these three keys", while stream messages carry cursor)', () => {
    const section = doc.slice(doc.indexOf('## Message envelope'), doc.indexOf('\n## ', doc.indexOf('## Message envelope') + 1));
    expect(section).not.toContain('exactly these three keys');
    const enveloped = contract.messages.filter((m) => m.schema.properties?.data !== undefined);
    const keys = new Set(enveloped.flatMap((m) => Object.keys(m.schema.properties!)));
    expect(keys).toContain('cursor');
    for (const key of keys) expect(section, key).toMatch(new RegExp(`^\\| \`${key}\` \\|`, 'm'));
    const without = enveloped.filter((m) => m.schema.properties!.cursor === undefined).map((m) => m.type);
    expect(without).toEqual(['error']);
    expect(section).toMatch(/^\| `cursor` \| .*Optional, on every message except \[`error`\]\(#message-error\)\. \|$/m);
  });

  it("gives no rows to a poll's messages, each documented in its own section", () => {
    expect(doc).toContain('| `messages` | array of (object (TradesMessage) \\| object (BotsMessage) \\|');
    expect(doc).not.toContain('| `messages[]');
  });
});
