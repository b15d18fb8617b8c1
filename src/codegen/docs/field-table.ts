/** Field tables: one row per key of a message, found by walking its schema (with the contract's `$ref` resolver). */
import { followRefs, type Contract, type JsonType, type MessageSchema, type SchemaNode } from '../../contract/index.js';

/** One row of a field table: what a reader needs to read or write one key of a message. */
export interface FieldRow {
  /** Dotted path from the message root, e.g. `data.market_data.rsi`; `<asset>` stands for any key of a map. */
  path: string;
  /** e.g. `string (RFC 3339 date-time)`, `number | null`, `object (Sizing)`. */
  type: string;
  /** `yes`, `no`, or `—` for map entries (any number of keys). */
  required: string;
  /** Literals, ranges and openness, e.g. `0 ≤ x ≤ 1`; empty when anything of the type goes. */
  allowed: string;
  description: string;
}

/** A schema node and the file its `#/…` references resolve in. */
export interface Located {
  node: SchemaNode;
  file: string;
}

/** The non-null alternatives of a node, flattened over `anyOf`/`oneOf` and `type: [..., "null"]`. */
export interface Alternatives {
  nullable: boolean;
  options: Located[];
}

const FORMAT_LABELS: Record<string, string> = {
  'date-time': 'RFC 3339 date-time',
};

const FIELD_TABLE_HEADER = '| Field | Type | Required | Allowed values / range | Description |\n| --- | --- | --- | --- | --- |';

/** The field table of one message: every key, depth first in schema order. */
export function messageRows(contract: Contract, message: MessageSchema): FieldRow[] {
  return propertyRows(contract, { node: message.schema, file: message.file }, '', new Set([message.schema]));
}

export function fieldTable(rows: FieldRow[]): string {
  const body = rows.map((row) => `| \`${cell(row.path)}\` | ${cell(row.type)} | ${cell(row.required)} | ${cell(row.allowed)} | ${cell(prose(row.description))} |`);
  return [FIELD_TABLE_HEADER, ...body].join('\n');
}


/**
 * `text` as a Markdown code span (CommonMark 6.1): fenced by one backtick more than its longest
 * run of them, padded with a space where it starts or ends with one, so that a backtick in a
 * pattern or a value (`^[`]+$`) does not end the span.
 */
export function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = longest > 0 && (text.startsWith('`') || text.endsWith('`')) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * A code span in CommonMark: a run of backticks, then text, then a run of as many backticks,
 * neither run beside another backtick. Its text is shown as it is: `&`, `<` and `>` in it are no
 * markup, and an entity there would show as written.
 */
const CODE_SPAN = /(?<!`)(`+)(?!`)[^]*?(?<!`)\1(?!`)/gu;

/**
 * Prose from the contract (a schema's `description`, protocol.json's texts) as Markdown that
 * shows it literally: `&`, `<` and `>` outside code spans become `&amp;`, `&lt;` and `&gt;`, so
 * that "no P&L" is not read as the start of an entity and `<script>` or `<b>` not as HTML (which
 * a Markdown renderer passes through to the page). Code spans are left as they are; other
 * Markdown (emphasis, links) keeps its meaning.
 */
export function prose(text: string): string {
  const escape = (plain: string) => plain.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  let out = '';
  let last = 0;
  for (const span of text.matchAll(CODE_SPAN)) {
    out += escape(text.slice(last, span.index)) + span[0];
    last = span.index + span[0].length;
  }
  return out + escape(text.slice(last));
}

/** Keeps a table row one line and one cell: a `|` would end the cell even inside backticks. */
export function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** Rows for the properties of an object node, each expanded by {@link fieldRows}. */
export function propertyRows(contract: Contract, at: Located, prefix: string, expanding: ReadonlySet<SchemaNode>, shape?: string): FieldRow[] {
  const within = shape === undefined ? '' : `, in ${shape}`;
  return Object.entries(at.node.properties ?? {}).flatMap(([key, child]) =>
    fieldRows(contract, { node: child, file: at.file }, `${prefix}${key}`, `${at.node.required?.includes(key) ? 'yes' : 'no'}${within}`, expanding),
  );
}

/** How a row names one of several object shapes of a field: its title (`LegA`), else `shape 2` (the second of the choice). */
function shapeName(node: SchemaNode, index: number): string {
  return node.title ? codeSpan(node.title) : `shape ${index + 1}`;
}

/**
 * The row of one field, then the rows of what it contains: the properties of each object
 * alternative (so the object branch of a nullable field too), a map's entries under
 * `<key>`, array items under `[]` (see there for which). `expanding` holds the nodes being
 * expanded on the current path, so a recursive schema stops instead of looping.
 */
function fieldRows(contract: Contract, at: Located, path: string, required: string, expanding: ReadonlySet<SchemaNode>): FieldRow[] {
  const alternatives = alternativesOf(contract, at);
  const description =
    at.node.description ?? follow(contract, at).node.description ?? alternatives.options.map((o) => o.node.description).find((d) => d !== undefined) ?? '';
  const rows: FieldRow[] = [{ path, type: typeText(contract, alternatives), required, allowed: allowedText(alternatives), description: [description, defaultAndExamples(at.node, follow(contract, at).node)].filter(Boolean).join(' ') }];
  // A choice of object shapes: each key's row says which shape it belongs to and is required
  // within that shape only (both shapes' keys read "yes", always present: a tester).
  const shapes = alternatives.options.filter((option) => option.node.properties && !isMap(option.node));
  for (const option of alternatives.options) {
    if (expanding.has(option.node)) continue;
    const inner = new Set(expanding).add(option.node);
    const { properties, additionalProperties: entry, items } = option.node;
    if (isMap(option.node)) {
      rows.push(...fieldRows(contract, { node: entry as SchemaNode, file: option.file }, `${path}.<${mapKeyName(description)}>`, '—', inner));
    } else if (properties) {
      const shape = shapes.length > 1 ? shapeName(option.node, shapes.indexOf(option)) : undefined;
      rows.push(...propertyRows(contract, option, `${path}.`, inner, shape));
    }
    // The items under `[]`, as a map's values are under `<key>`: objects and maps for their
    // fields, scalars for their rules (a closed list, a pattern, a range), arrays for what they
    // hold in turn (a hostile tester: `items: { enum: [...] }` read "array of string", and the
    // objects of an array of arrays were not documented at all). Items with no rule of their
    // own add nothing to "array of string", and a choice of several object types (a poll's
    // messages) is documented where each type is: neither gets rows.
    if (items && typeof items === 'object' && !Array.isArray(items) && Object.keys(items).length > 0) {
      const at = { node: items, file: option.file };
      const objectTypes = alternativesOf(contract, at).options.filter((choice) => jsonTypes(choice.node).includes('object')).length;
      const itemRows = fieldRows(contract, at, `${path}[]`, '—', inner);
      if (objectTypes <= 1 && (isStructured(follow(contract, at).node) || itemRows.length > 1 || itemRows[0]!.allowed !== '')) rows.push(...itemRows);
    }
  }
  return rows;
}

/**
 * `Default: `0`. Examples: `2.55`, `-0.4`.` after a field's description: its `default` and
 * `examples` as JSON, the field's own or else those of the definition it refers to; empty when it
 * has neither. (They never reached the reference, though `diff` says generate rewrites the docs
 * from them: a tester.)
 */
function defaultAndExamples(own: SchemaNode, referenced: SchemaNode): string {
  const holder = (keyword: string) => (keyword in own ? own : keyword in referenced ? referenced : undefined);
  const parts: string[] = [];
  const withDefault = holder('default');
  if (withDefault) parts.push(`Default: ${literal(withDefault.default)}.`);
  const examples = holder('examples')?.examples;
  if (Array.isArray(examples) && examples.length > 0) parts.push(`${examples.length === 1 ? 'Example' : 'Examples'}: ${examples.map(literal).join(', ')}.`);
  return parts.join(' ');
}

function isStructured(node: SchemaNode): boolean {
  return Boolean(node.properties) || isMap(node);
}

/**
 * The name shown for the keys of a map, from the convention that a map's description starts
 * "Object mapping <key> …" (e.g. "Object mapping asset code …" → `asset`); JSON Schema has
 * no keyword that names keys. Falls back to `key`.
 */
function mapKeyName(description: string): string {
  return /^Object mapping (?:an? |the )?(\p{L}+)/iu.exec(description)?.[1]?.toLowerCase() ?? 'key';
}

function isMap(node: SchemaNode): boolean {
  return typeof node.additionalProperties === 'object' && !node.properties;
}

/** Follows `$ref`s until a node without one (the contract's resolver; `loadContract` has checked that each resolves). */
function follow(contract: Contract, at: Located): Located {
  return followRefs(contract.files, at.file, at.node);
}

export function alternativesOf(contract: Contract, at: Located): Alternatives {
  const resolved = follow(contract, at);
  const list = resolved.node.anyOf ?? resolved.node.oneOf;
  if (list) {
    const parts = list.map((child) => alternativesOf(contract, { node: child, file: resolved.file }));
    return { nullable: parts.some((p) => p.nullable), options: parts.flatMap((p) => p.options) };
  }
  const types = jsonTypes(resolved.node);
  const nullable = types.includes('null');
  return { nullable, options: nullable && types.length === 1 ? [] : [resolved] };
}

/** The JSON types a node admits: its `type`, else those of its `const` or `enum` values. */
function jsonTypes(node: SchemaNode): JsonType[] {
  if (node.type !== undefined) return Array.isArray(node.type) ? node.type : [node.type];
  const values = node.const !== undefined ? [node.const] : (node.enum ?? []);
  return [...new Set(values.map(jsonTypeOf))];
}

function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

export function typeText(contract: Contract, alternatives: Alternatives): string {
  const labels = [...new Set(alternatives.options.map((option) => typeLabel(contract, option)))];
  if (alternatives.nullable) labels.push('null');
  // An array beside another type in parentheses: "array of number | null" read as an array of
  // nullable numbers for a nullable array (tDX F7).
  return labels.map((label) => (labels.length > 1 && label.startsWith('array of ') ? `(${label})` : label)).join(' | ') || 'any';
}

function typeLabel(contract: Contract, { node, file }: Located): string {
  const types = jsonTypes(node).filter((type) => type !== 'null');
  if (types.length === 0) return 'any';
  return types
    .map((type) => {
      if (type === 'string' && node.format) return `string (${FORMAT_LABELS[node.format] ?? node.format})`;
      if (type === 'object') return isMap(node) ? 'object (map)' : node.title ? `object (${node.title})` : 'object';
      if (type === 'array') {
        const { items } = node;
        if (!items || Object.keys(items).length === 0) return 'array (items unconstrained)';
        // An item of several types in parentheses: "array of string | null" read alike for a
        // nullable array and an array of nullable strings (a hostile tester).
        const item = typeText(contract, alternativesOf(contract, { node: items, file }));
        return `array of ${item.includes(' | ') ? `(${item})` : item}`;
      }
      return type;
    })
    .join(' | ');
}

export function allowedText(alternatives: Alternatives): string {
  const texts = [...new Set(alternatives.options.map((option) => allowedParts(option.node).join('; ')))];
  // One branch bounded: its bounds, of its type (`length ≤ 3` of `string | integer`).
  if (texts.filter((text) => text !== '').length < 2) return texts.filter((text) => text !== '').join('');
  // Each branch of a choice stands alone: "length ≤ 3; matches `^[0-9]+$`" read as both (tGY F4).
  // A branch without bounds is any value of its type.
  return alternatives.options
    .map((option) => allowedParts(option.node).join('; ') || `any ${jsonTypes(option.node).filter((type) => type !== 'null').join(' | ') || 'value'}`)
    .filter((text, index, all) => all.indexOf(text) === index)
    .join(', or ');
}

function allowedParts(node: SchemaNode): string[] {
  const parts: string[] = [];
  // A fixed value is no closed list: tolerant mode opens a list, never a `const` (a one-value list
  // and a const read alike, and the legend's "passes with a notice in tolerant mode" misled: a tester).
  if (node.const !== undefined) parts.push(`always ${literal(node.const)}`);
  if (node.enum) parts.push(node.enum.map(literal).join(' | '));
  const known = node['x-known-values'];
  if (known) parts.push(`any string — known: ${known.map(literal).join(', ')}`);
  const range = rangeText(node);
  if (range) parts.push(range);
  if (typeof node.multipleOf === 'number') parts.push(`a multiple of ${node.multipleOf}`);
  const length = lengthText(node);
  if (length) parts.push(length);
  // An array's size and uniqueness (the row said nothing of them: a hostile tester).
  const items = itemsText(node);
  if (items) parts.push(items);
  if (node.uniqueItems === true) parts.push('items unique');
  if (node.pattern !== undefined) parts.push(`matches ${codeSpan(node.pattern)}`);
  if (isMap(node)) parts.push('any keys');
  else if (node.properties && node.additionalProperties !== false) parts.push('other fields allowed');
  return parts;
}

/**
 * The bounds of a number or a string written on `node` itself, in the words of the reference's
 * "Allowed values / range" cell: `0 < x ≤ 100`, `a multiple of 0.5`, `non-empty`, `length ≤ 128`,
 * `matches …`; empty when it has none. The generated types' TSDoc says them in these words.
 */
export function boundParts(node: SchemaNode): string[] {
  const parts: string[] = [];
  const range = rangeText(node);
  if (range) parts.push(range);
  if (typeof node.multipleOf === 'number') parts.push(`a multiple of ${node.multipleOf}`);
  const length = lengthText(node);
  if (length) parts.push(length);
  if (node.pattern !== undefined) parts.push(`matches ${codeSpan(node.pattern)}`);
  return parts;
}

function literal(value: unknown): string {
  return codeSpan(JSON.stringify(value));
}

/** `0 ≤ x ≤ 1`, `x > 0`, `x ≤ 100`: the stricter bound when both an inclusive and an exclusive one are given. */
function rangeText(node: SchemaNode): string | undefined {
  const lower = bound(node.minimum, node.exclusiveMinimum, (a, b) => a > b);
  const upper = bound(node.maximum, node.exclusiveMaximum, (a, b) => a < b);
  if (lower && upper) return `${lower.value} ${lower.strict ? '<' : '≤'} x ${upper.strict ? '<' : '≤'} ${upper.value}`;
  if (lower) return `x ${lower.strict ? '>' : '≥'} ${lower.value}`;
  if (upper) return `x ${upper.strict ? '<' : '≤'} ${upper.value}`;
  return undefined;
}

function bound(inclusive: number | undefined, exclusive: number | undefined, stricter: (a: number, b: number) => boolean): { value: number; strict: boolean } | undefined {
  if (exclusive !== undefined && (inclusive === undefined || !stricter(inclusive, exclusive))) return { value: exclusive, strict: true };
  return inclusive === undefined ? undefined : { value: inclusive, strict: false };
}

function itemsText(node: SchemaNode): string | undefined {
  const min = typeof node.minItems === 'number' ? node.minItems : 0;
  const max = typeof node.maxItems === 'number' ? node.maxItems : undefined;
  if (max !== undefined) return min > 0 ? `${min} ≤ items ≤ ${max}` : `items ≤ ${max}`;
  return min > 0 ? `items ≥ ${min}` : undefined;
}

function lengthText(node: SchemaNode): string | undefined {
  const { minLength: min = 0, maxLength: max } = node;
  if (max !== undefined) return min > 0 ? `${min} ≤ length ≤ ${max}` : `length ≤ ${max}`;
  if (min === 1) return 'non-empty';
  return min > 1 ? `length ≥ ${min}` : undefined;
}
