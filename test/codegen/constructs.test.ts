/**
 * Every schema construct the contract loader accepts is either handled by every generated
 * language (Python and Go decode each valid example and encode it back unchanged, and the Go
 * is gofmt-clean) or refused by `generate` with the file and JSON Pointer (issue 8, item 23).
 * One small schema per construct: the construct is the `value` of a message's `data`.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate, SchemaError } from '../../src/codegen/index.js';
import { findTool } from '../support/toolchain.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PYTHON_FILE = 'languages/python/realtime_contract.py';
const GO_FILE = 'languages/go/realtimecontract/messages.go';
const TS = '2026-01-14T16:30:00.000Z';

interface Construct {
  /** Also the message type, in snake case. */
  name: string;
  schema: Record<string, unknown>;
  /** Valid values of `schema`, each decoded and encoded back by every language. */
  values: unknown[];
}

const object = (properties: Record<string, unknown>, required: string[], extra: Record<string, unknown> = {}) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  required,
  ...extra,
});

/** Constructs every language handles. */
export const HANDLED: Construct[] = [
  { name: 'string_enum_with_empty', schema: { enum: ['', 'a'] }, values: ['', 'a'] },
  { name: 'string_const', schema: { const: 'x' }, values: ['x'] },
  { name: 'empty_string_const', schema: { const: '' }, values: [''] },
  { name: 'empty_and_null_enum', schema: { enum: ['', 'a', null] }, values: ['', 'a', null] },
  { name: 'escaped_enum_values', schema: { enum: ['say "hi"', 'back\\slash', 'ünï', '1st'] }, values: ['say "hi"', 'back\\slash', 'ünï', '1st'] },
  { name: 'false_const', schema: { const: false }, values: [false] },
  { name: 'zero_const', schema: { type: 'integer', const: 0 }, values: [0] },
  { name: 'negative_integer_enum', schema: { type: 'integer', enum: [-1, 0, 7] }, values: [-1, 0, 7] },
  { name: 'boolean_const', schema: { const: true }, values: [true] },
  { name: 'integer_const', schema: { type: 'integer', const: 3 }, values: [3] },
  { name: 'number_const', schema: { type: 'number', const: 1.5 }, values: [1.5] },
  { name: 'integer_enum', schema: { type: 'integer', enum: [1, 2] }, values: [1, 2] },
  { name: 'valid_default', schema: object({ side: { type: 'string', enum: ['buy', 'sell'], default: 'buy' }, at: { type: 'string', format: 'date-time', default: '2026-01-14T16:30:00.000Z' } }, []), values: [{}, { side: 'sell' }] },
  { name: 'number_enum', schema: { type: 'number', enum: [1.5, 2] }, values: [1.5, 2] },
  { name: 'boolean_enum', schema: { enum: [true, false] }, values: [true, false] },
  { name: 'nullable_string_enum', schema: { enum: ['a', null] }, values: ['a', null] },
  // ajv's deep equality, which its standalone code require()d: generate stopped with bundled ajv code (a tester, tDJ F7).
  { name: 'unique_objects', schema: { type: 'array', uniqueItems: true, items: object({ venue: { type: 'string' } }, ['venue']) }, values: [[{ venue: 'a' }, { venue: 'b' }], []] },
  { name: 'string', schema: { type: 'string', minLength: 1, maxLength: 9, pattern: '^[a-z]+$' }, values: ['abc'] },
  { name: 'date_time', schema: { type: 'string', format: 'date-time' }, values: [TS] },
  { name: 'integer', schema: { type: 'integer', minimum: 0, maximum: 9007199254740991 }, values: [0, 9007199254740991] },
  { name: 'number', schema: { type: 'number', exclusiveMinimum: -10, multipleOf: 0.5 }, values: [1.5, -2, 0] },
  { name: 'boolean', schema: { type: 'boolean' }, values: [true, false] },
  { name: 'type_list', schema: { type: ['integer', 'string'] }, values: [1, 'a'] },
  { name: 'nullable_type', schema: { type: ['string', 'null'] }, values: ['a', null] },
  { name: 'nullable_integer', schema: { type: ['integer', 'null'] }, values: [7, null] },
  { name: 'array', schema: { type: 'array', items: { type: 'string' }, minItems: 0, maxItems: 3, uniqueItems: true }, values: [[], ['a', 'b']] },
  // ajv's uniqueItems code tests each item's type again, in a form the integer rewrite did not read: generate stopped with an internal error (a hostile tester).
  { name: 'unique_integers', schema: { type: 'array', items: { type: 'integer' }, uniqueItems: true }, values: [[], [1, 2, 1767225600123]] },
  // tEI F4 (mutation M08: "uniqueItems": false enforced as true): a default with duplicates, which the schema allows, generates.
  { name: 'not_unique_default', schema: { type: 'array', uniqueItems: false, items: { type: 'number' }, default: [1, 1] }, values: [[1, 1], []] },
  { name: 'array_of_arrays', schema: { type: 'array', items: { type: 'array', items: { type: 'integer' } } }, values: [[[1, 2], []]] },
  { name: 'array_of_enums', schema: { type: 'array', items: { enum: ['a', 'b'] } }, values: [['a', 'b']] },
  { name: 'inline_object', schema: object({ a: { type: 'string' }, b: { type: 'integer' } }, ['a']), values: [{ a: 'x' }, { a: 'x', b: 2 }] },
  { name: 'map', schema: { type: 'object', additionalProperties: { type: 'integer' } }, values: [{}, { k: 1 }] },
  { name: 'open_object', schema: { type: 'object', properties: { a: { type: 'integer' } } }, values: [{ a: 1, extra: 'x' }, {}] },
  { name: 'any_of_object_or_string', schema: { anyOf: [object({ a: { type: 'string' } }, ['a']), { type: 'string' }] }, values: [{ a: 'x' }, 's'] },
  {
    name: 'any_of_objects',
    schema: { anyOf: [object({ kind: { const: 'a' }, a: { type: ['string', 'null'] } }, ['kind', 'a']), object({ kind: { const: 'b' }, b: { type: 'integer' } }, ['kind', 'b'])] },
    values: [{ kind: 'a', a: null }, { kind: 'b', b: 1 }],
  },
  {
    // Doc comments of Go types are reformatted by gofmt when they look like lists, code or
    // headings; struct field comments are not.
    name: 'doc_comment_markup',
    schema: {
      ...object({ a: { type: 'string', description: 'Field:\n- a\n  indented' } }, ['a']),
      description: 'Markup gofmt would rewrite:\n- a list item\n- another\n1. numbered\n* star\n\n    indented code\n\tTabbed\n\nHeading Like This\n\nText after.\n\n# Hash heading\n\n- first of a paragraph\n\nEnd.',
    },
    values: [{ a: 'x' }],
  },
  { name: 'nullable_ref', schema: { anyOf: [{ $ref: 'definitions.json#/definitions/Platform' }, { type: 'null' }] }, values: ['luno', null] },
  { name: 'anything', schema: {}, values: [1, 'a', null, { k: [1] }, [true]] },
  { name: 'null_type', schema: { type: 'null' }, values: [null] },
  // Closed lists of the same values are one type in Go and Python (quicktype merges them): the
  // others are aliases of it (generate failed with "quicktype declared no type", a fresh user).
  { name: 'same_values_as_side', schema: { enum: ['sell', 'buy'] }, values: ['buy'] },
  { name: 'same_values_twice', schema: object({ a: { enum: ['x', 'y'] }, b: { enum: ['y', 'x'] }, c: { type: 'array', items: { enum: ['x', 'y'] } } }, ['a', 'b']), values: [{ a: 'x', b: 'y', c: ['y'] }] },
  {
    name: 'nested_inline_objects',
    schema: object({ venue: object({ name: { type: 'string' }, region: { enum: ['eu', 'us'] } }, ['name']), fills: { type: 'array', items: object({ k: { type: 'integer' } }, ['k']) }, by_id: { type: 'object', additionalProperties: object({ n: { type: 'number' } }, ['n']) } }, ['venue']),
    values: [{ venue: { name: 'x' } }, { venue: { name: 'x', region: 'eu' }, fills: [{ k: 1 }], by_id: { a: { n: 1.5 } } }],
  },
  // An optional union: Go declared a pointer without omitempty, and wrote null for it when absent (a hostile tester).
  { name: 'optional_union', schema: object({ u: { type: ['string', 'integer'] }, r: { anyOf: [{ $ref: 'definitions.json#/definitions/Side' }, { type: 'integer' }] } }, []), values: [{}, { u: 'a', r: 'buy' }, { u: 1, r: 2 }] },
  // Optional collections: Go's omitempty dropped a present [] or {}, so a relay rewrote the message (a hostile tester).
  { name: 'optional_collections', schema: object({ tags: { type: 'array', items: { type: 'string' } }, by: { type: 'object', additionalProperties: { type: 'integer' } } }, []), values: [{}, { tags: [], by: {} }, { tags: ['a'], by: { k: 1 } }] },
  // Optional keys Go declares as interface{} (a choice of object types, anything) or as a slice or
  // map that may be null: left out, Go wrote them as null, which a choice of objects refuses (a
  // hostile tester); present, a [], {}, false, 0 or "" is still written.
  {
    name: 'optional_choices',
    schema: object({
      order: { anyOf: [object({ kind: { const: 'a' }, a: { type: 'integer' } }, ['kind', 'a']), object({ kind: { const: 'b' }, b: { type: 'string' } }, ['kind', 'b'])] },
      anything: {},
      names: { type: ['array', 'null'], items: { type: 'string' } },
      by: { type: ['object', 'null'], additionalProperties: { type: 'integer' } },
    }, []),
    values: [{}, { order: { kind: 'a', a: 1 }, anything: [], names: [], by: {} }, { order: { kind: 'b', b: 'x' }, anything: {}, names: ['a'], by: { k: 1 } }, { anything: false }, { anything: 0 }, { anything: '' }],
  },
  { name: 'property_names', schema: object({ class: { type: 'string' }, 'with space': { type: 'integer' }, 'a-b': { type: 'boolean' } }, ['class']), values: [{ class: 'x', 'with space': 1, 'a-b': true }] },
  // Closed lists of the same values beyond ASCII: Go's constants of the alias (`…Café`) went unread (a reviewer).
  { name: 'non_ascii_same_values_twice', schema: object({ a: { enum: ['café', 'thé'] }, b: { enum: ['thé', 'café'] } }, ['a', 'b']), values: [{ a: 'café', b: 'thé' }] },
  // Letters beyond ASCII: an optional `prix_é` had no Python default, and the module did not import (a hostile tester).
  {
    name: 'non_ascii_property_names',
    schema: object({ aside: { type: 'string' }, ñame: { type: ['string', 'null'] }, prix_é: { type: 'string' }, größe: { type: 'integer' }, plain: { type: 'string' }, zz: { type: 'string' } }, ['ñame', 'plain']),
    values: [{ ñame: null, plain: 'x' }, { ñame: 'n', plain: 'x', prix_é: 'p', größe: 3 }],
  },
  // Data keys a library reads as its own: a `hasOwnProperty` key in a default crashed generate with
  // "schema.hasOwnProperty is not a function", a `$ref` key was followed as a reference (tEJ F1, F2).
  {
    name: 'data_keys_in_default_and_examples',
    schema: { type: 'object', additionalProperties: { type: 'string' }, default: { hasOwnProperty: 'h', $ref: '#/nope' }, examples: [{ $ref: 'package.json', hasOwnProperty: 'h' }] },
    values: [{}, { hasOwnProperty: 'h', $ref: '#/nope' }],
  },
];

/** Constructs `generate` refuses, with the pointer (below the construct's own) it names. */
const REFUSED: (Construct & { pointer: string; problem: RegExp })[] = [
  { name: 'all_of', schema: { allOf: [object({ a: { type: 'string' } }, ['a']), { type: 'object', required: ['a'] }] }, values: [{ a: 'x' }], pointer: '/allOf', problem: /keyword "allOf" is not supported/ },
  { name: 'empty_property_name', schema: object({ '': { type: 'string' } }, ['']), values: [{ '': 'x' }], pointer: '/properties/', problem: /property name "" cannot be a Go struct tag/ },
  { name: 'comma_property_name', schema: object({ 'a,b': { type: 'string' } }, []), values: [{}], pointer: '/properties/a,b', problem: /property name "a,b" cannot be a Go struct tag/ },
  { name: 'quote_property_name', schema: object({ 'say "hi"': { type: 'string' } }, []), values: [{}], pointer: '/properties/say "hi"', problem: /cannot be a Go struct tag/ },
  { name: 'one_of', schema: { oneOf: [{ type: 'integer' }, { type: 'string' }] }, values: [1, 's'], pointer: '/oneOf', problem: /keyword "oneOf" is not supported/ },
  { name: 'not', schema: { type: 'string', not: { const: 'x' } }, values: ['y'], pointer: '/not', problem: /keyword "not" is not supported/ },
  { name: 'if_then_else', schema: { type: 'integer', if: { minimum: 5 }, then: { maximum: 9 }, else: { minimum: 0 } }, values: [6, 1], pointer: '/if', problem: /keyword "if" is not supported/ },
  { name: 'pattern_properties', schema: { type: 'object', patternProperties: { '^x': { type: 'integer' } }, additionalProperties: false }, values: [{ x1: 1 }], pointer: '/patternProperties', problem: /keyword "patternProperties" is not supported/ },
  { name: 'tuple', schema: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }], additionalItems: false }, values: [['a', 1]], pointer: '/items', problem: /strict mode.*"items" is 2-tuple/ },
  { name: 'dependencies', schema: { ...object({ a: { type: 'string' }, b: { type: 'string' } }, []), dependencies: { a: ['b'] } }, values: [{ a: 'x', b: 'y' }, {}], pointer: '/dependencies', problem: /keyword "dependencies" is not supported/ },
  { name: 'property_names_schema', schema: { type: 'object', additionalProperties: { type: 'integer' }, propertyNames: { pattern: '^[a-z]+$' } }, values: [{ ab: 1 }], pointer: '/propertyNames', problem: /keyword "propertyNames" is not supported/ },
  { name: 'contains', schema: { type: 'array', items: { type: 'integer' }, contains: { type: 'integer', const: 1 } }, values: [[1, 2]], pointer: '/contains', problem: /keyword "contains" is not supported/ },
  { name: 'null_const', schema: { const: null }, values: [null], pointer: '/const', problem: /only a string, number or boolean const is supported/ },
  { name: 'object_enum', schema: { enum: [{ a: 1 }, [1]] }, values: [{ a: 1 }], pointer: '/enum', problem: /only string, number, boolean or null values are supported/ },
  // The bundled schema and asyncapi.json shipped it as what an absent field holds (a hostile tester).
  { name: 'invalid_default', schema: object({ side: { type: 'string', enum: ['buy', 'sell'], default: 'hold' } }, []), values: [{ side: 'buy' }], pointer: '/properties/side/default', problem: /expected a default its own schema accepts, got "hold": it must be one of "buy", "sell"$/ },
  // A field's examples went into the reference and the TSDoc unchecked: only a message's own were (tDJ F2).
  { name: 'invalid_field_example', schema: object({ price: { type: 'number', minimum: 0, examples: [1, -5] } }, []), values: [{ price: 1 }], pointer: '/properties/price/examples/1', problem: /expected an example its own schema accepts, got -5: it must be >= 0$/ },
  { name: 'invalid_enum_example', schema: object({ side: { type: 'string', enum: ['buy', 'sell'], examples: ['nope'] } }, []), values: [{ side: 'buy' }], pointer: '/properties/side/examples/0', problem: /expected an example its own schema accepts, got "nope": it must be one of "buy", "sell"$/ },
  // tEI F4 (mutations M10: const always passes, M09: any object, array or null passes an enum): a default outside a
  // const, and an array default of a closed list of a string and null, are refused as the validators refuse them.
  { name: 'invalid_const_default', schema: { type: 'string', const: 'buy', default: 'sell' }, values: ['buy'], pointer: '/default', problem: /expected a default its own schema accepts, got "sell": it must be equal to constant$/ },
  { name: 'invalid_nullable_enum_default', schema: { enum: ['a', null], default: ['a'] }, values: ['a'], pointer: '/default', problem: /expected a default its own schema accepts, got \["a"\]: it must be one of "a", null$/ },
  // Judged with the validators' equality (jsonEqual), not ajv's: a "valueOf" key that is no function
  // threw "a.valueOf is not a function" with no file (tDX F1); two objects of "constructor" keys
  // that are objects passed, the validators refuse the array (tDX F2); ajv's words read
  // "items ## 2 and 0 are identical" (tDX F3).
  { name: 'unique_default_value_of', schema: { type: 'array', uniqueItems: true, items: { type: 'object', additionalProperties: {} }, default: [{ valueOf: 1 }, { valueOf: 1 }] }, values: [[]], pointer: '/default', problem: /expected a default its own schema accepts, got \[\{"valueOf":1\},\{"valueOf":1\}\]: it must be an array without duplicate items \(items 0 and 1 are equal\)$/ },
  { name: 'unique_example_constructor', schema: { type: 'array', uniqueItems: true, items: { type: 'object', additionalProperties: {} }, examples: [[{ toString: 1 }, { toString: 2 }], [{ constructor: {} }, { constructor: {} }]] }, values: [[]], pointer: '/examples/1', problem: /expected an example its own schema accepts, got \[\{"constructor":\{\}\},\{"constructor":\{\}\}\]: it must be an array without duplicate items \(items 0 and 1 are equal\)$/ },
  { name: 'unique_default_numbers', schema: { type: 'array', uniqueItems: true, items: { type: 'number' }, default: [1, 2, 1] }, values: [[]], pointer: '/default', problem: /expected a default its own schema accepts, got \[1,2,1\]: it must be an array without duplicate items \(items 0 and 2 are equal\)$/ },
  // It read "2.5 is not of "type" "integer" (TypeBox output)", as if the generator had failed (a fresh user).
  { name: 'enum_outside_its_type', schema: { type: 'integer', enum: [1, 2.5] }, values: [1], pointer: '/enum', problem: /expected only values of "type" "integer" in "enum", got 2\.5, which no message can hold/ },
  // TypeBox's compiler reads a pattern without the u flag: `\p{Lu}` was the letters "p{Lu}" there (a hostile tester).
  { name: 'unicode_property_pattern', schema: { type: 'string', pattern: '^\\p{Lu}+$' }, values: ['AB'], pointer: '/pattern', problem: /expected a pattern without \\p\{…\}, \\P\{…\}, \\u\{…\} or a character past U\+FFFF, got "\^\\\\p\{Lu\}\+\$"/ },
  { name: 'astral_pattern', schema: { type: 'string', pattern: '^[😀-😂]+$' }, values: ['😁'], pointer: '/pattern', problem: /or a character past U\+FFFF, got "\^\[😀-😂\]\+\$"/ },
  // Go and Python declared a union under quicktype's names (`MixUnion`, `MixEnum`), which an edit elsewhere changed (a hostile tester).
  { name: 'mixed_enum', schema: { enum: ['a', 1] }, values: ['a', 1], pointer: '/enum', problem: /expected a closed list of one JSON type \(null aside\), got string and number values/ },
  // Numbers without a type: Go declared {Double, Integer} or *float64, Python Union[float, int],
  // whose encoder wrote 1 as 1.0 (a hostile tester). With the type they are handled above.
  { name: 'typeless_integer_enum', schema: { enum: [1, 2] }, values: [1], pointer: '/enum', problem: /expected a "type" beside a closed list of numbers, got \[1,2\] without one: add "type": "integer"/ },
  { name: 'typeless_nullable_integer_enum', schema: { enum: [1, null] }, values: [1], pointer: '/enum', problem: /add "type": \["integer", "null"\]/ },
  { name: 'typeless_integer_const', schema: { const: 2 }, values: [2], pointer: '/const', problem: /expected a "type" beside a fixed number, got 2 without one: add "type": "integer"/ },
  { name: 'typeless_number_enum', schema: { enum: [1.5, 2] }, values: [1.5], pointer: '/enum', problem: /got \[1\.5,2\] without one: add "type": "number"/ },
  // The validators refused null (the list decides), the types and docs admitted it, TypeBox's did not (a hostile tester).
  { name: 'nullable_type_list_without_null', schema: { type: ['string', 'null'], enum: ['a', 'b'] }, values: ['a'], pointer: '/enum', problem: /expected null in the closed list, as its type \["string","null"\] admits null, got \["a","b"\]/ },
  // quicktype stopped with "Trying to make an empty union", no file named (a hostile tester).
  { name: 'nullable_type_beside_const', schema: { type: ['string', 'null'], const: 'a' }, values: ['a'], pointer: '/const', problem: /expected a type without null beside the fixed value "a", got \["string","null"\]: .*write "enum": \["a", null\] for both$/ },
  // Go's int64 cannot hold 1e20, and JavaScript holds 1e20 + 1 as 1e20 (a hostile tester).
  { name: 'unsafe_integer_enum', schema: { type: 'integer', enum: [1, 1e20] }, values: [1], pointer: '/enum', problem: /expected integers between -\(2\^53 - 1\) and 2\^53 - 1, got 100000000000000000000: .*send it as a string$/ },
  // 0.07 is no multiple of the binary 0.01: valid amounts of cents were refused, and TypeBox refused others (a hostile tester).
  { name: 'decimal_multiple_of', schema: { type: 'number', multipleOf: 0.01 }, values: [0.5], pointer: '/multipleOf', problem: /expected a multipleOf that is a whole number or a binary fraction \(0\.5, 0\.25, …\), got 0\.01/ },
  { name: 'title_of_a_definition', schema: object({ a: { type: 'string' } }, ['a'], { title: 'TradeData' }), values: [{ a: 'x' }], pointer: '/title', problem: /got "TradeData", which is also a definition's name/ },
  // Go and Python named one after the other, so adding `Side` beside `side` renamed `side` (a hostile tester).
  { name: 'colliding_property_names', schema: object({ a_b: { type: 'string' }, aB: { type: 'string' } }, ['a_b', 'aB']), values: [{ a_b: 'x', aB: 'y' }], pointer: '/properties/aB', problem: /got "aB" beside "a_b": Go and Python/ },
  // The same for closed-list values: adding "Buy" before "buy" gave Go's SideBuy and Python's Side.BUY to it (a hostile tester).
  { name: 'colliding_enum_values', schema: { enum: ['a-b', 'a_b', 'A B', 'ab'] }, values: ['a-b', 'a_b', 'A B', 'ab'], pointer: '/enum/1', problem: /got "a_b" beside "a-b": Go and Python name one after the other/ },
  // quicktype refused it at a pointer into the bundle, not the file (a hostile tester).
  { name: 'false_property', schema: object({ a: { type: 'string' }, gone: false }, ['a']), values: [{ a: 'x' }], pointer: '/properties/gone', problem: /got false, which the Go and Python types cannot carry/ },
  // Bounds that leave no value, on an optional field (a required one fails its examples): a
  // message that carries it is refused whatever it holds (a hostile tester).
  { name: 'empty_range', schema: object({ x: { type: 'number', minimum: 5, maximum: 1 } }, []), values: [{}], pointer: '/properties/x/minimum', problem: /expected minimum below maximum \(1\) or equal to it, got 5: no value passes/ },
  { name: 'empty_exclusive_range', schema: object({ x: { type: 'number', exclusiveMinimum: 1, maximum: 1 } }, []), values: [{}], pointer: '/properties/x/exclusiveMinimum', problem: /expected exclusiveMinimum below maximum \(1\), got 1: no value passes/ },
  { name: 'empty_length', schema: object({ x: { type: 'string', minLength: 5, maxLength: 1 } }, []), values: [{}], pointer: '/properties/x/minLength', problem: /expected minLength at most maxLength \(1\), got 5: no value passes/ },
  { name: 'min_max_properties', schema: { type: 'object', additionalProperties: { type: 'string' }, minProperties: 1, maxProperties: 2 }, values: [{ a: 'x' }], pointer: '/minProperties', problem: /keyword "minProperties" is not supported/ },
];

const work = mkdtempSync(path.join(tmpdir(), 'realtime-contract-constructs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const pascal = (name: string) => name.replace(/(^|_)([a-z])/g, (_match, _sep: string, letter: string) => letter.toUpperCase());
const title = (c: Construct) => `${pascal(c.name)}Message`;

/** A copy of schemas/ with one message schema per construct, cloned from error.json. */
function contractWith(dir: string, constructs: Construct[]): string {
  const schemas = path.join(work, dir);
  cpSync(path.join(ROOT, 'schemas'), schemas, { recursive: true });
  const base = JSON.parse(readFileSync(path.join(schemas, 'error.json'), 'utf8')) as Record<string, unknown>;
  for (const c of constructs) {
    const data = `${pascal(c.name)}Data`;
    const schema = {
      ...structuredClone(base),
      $id: (base.$id as string).replace('error.json', `${c.name}.json`),
      title: title(c),
      properties: { type: { const: c.name, description: 'Message type identifier.' }, data: { $ref: `#/definitions/${data}` }, ts: { $ref: 'definitions.json#/definitions/Timestamp' } },
      definitions: { [data]: { title: data, description: `One ${c.name}.`, ...object({ value: c.schema }, ['value']) } },
      examples: c.values.map((value) => ({ type: c.name, data: { value }, ts: TS })),
    };
    writeFileSync(path.join(schemas, `${c.name}.json`), `${JSON.stringify(schema, null, 2)}\n`);
  }
  return schemas;
}

const python = findTool('python3');
const go = findTool('go', ['version']);

describe('every construct the loader accepts', async () => {
  const files = await generate(contractWith('handled', HANDLED));
  // Each value as JSON.stringify writes it, then (when it holds integers) with every integer
  // written as a whole float (`3.0`), which JSON Schema and the validator count as integers.
  const messages = HANDLED.flatMap((c) =>
    c.values.flatMap((value) => {
      const message = { type: c.name, data: { value }, ts: TS };
      const text = JSON.stringify(message);
      const floats = text.replace(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, (token) => (/^-?\d+$/.test(token) ? `${token}.0` : token));
      return [{ construct: c, message, text, label: JSON.stringify(value) }, ...(floats === text ? [] : [{ construct: c, message, text: floats, label: `${floats.slice(floats.indexOf('"value":') + 8, floats.lastIndexOf('},"ts"'))} (integers as floats)` }])];
    }),
  );
  const input = `${messages.map(({ construct, text }) => `[${JSON.stringify(title(construct))},${text}]`).join('\n')}\n`;

  const outcomes = (command: string, args: string[], cwd?: string) => {
    const result = spawnSync(command, args, { cwd, input, encoding: 'utf8', env: { ...process.env, GOFLAGS: '', GOPROXY: 'off', GO111MODULE: 'on', GOTOOLCHAIN: 'local', GOCACHE: path.join(work, 'gocache'), GOPATH: path.join(work, 'gopath') } });
    if (result.status !== 0) throw new Error(`${command} failed:\n${result.stderr}`);
    return result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
  };

  describe.skipIf(!python.available)(`Python decodes and encodes each value back ${python.reason}`.trimEnd(), () => {
    let answers: unknown[] | undefined;
    const answer = (index: number) => {
      if (!answers) {
        const dir = path.join(work, 'python');
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, 'realtime_contract.py'), files.get(PYTHON_FILE)!);
        answers = outcomes('python3', ['-B', path.join(ROOT, 'test/support/languages/roundtrip.py'), dir]);
      }
      return answers[index];
    };
    it.each(messages.map(({ construct, label }, index) => [construct.name, label, index] as const))('%s %s', (_name, _value, index) => {
      expect(answer(index)).toStrictEqual({ ok: messages[index]!.message });
    });
    // JSON.parse reads 1.0 as 1, so the round trips above cannot tell; Go's int64 and Python's
    // int refuse 1.0 (a hostile tester: a typeless list of integers came back as 1.0).
    it('writes back an integer list or const of type integer as integers, not 1.0', () => {
      answer(0);
      const integers = messages.filter(({ construct, label }) => construct.schema.type === 'integer' && !label.endsWith('(integers as floats)'));
      expect(integers.map(({ construct }) => construct.name)).toEqual(expect.arrayContaining(['integer_enum', 'integer_const', 'zero_const', 'negative_integer_enum']));
      const result = spawnSync('python3', ['-B', path.join(ROOT, 'test/support/languages/roundtrip.py'), path.join(work, 'python')], {
        input: integers.map(({ construct, text }) => `[${JSON.stringify(title(construct))},${text}]\n`).join(''),
        encoding: 'utf8',
      });
      const values = result.stdout.trimEnd().split('\n').map((line) => /"value": ([^}]*)\}/.exec(line)?.[1]);
      expect(values).toEqual(integers.map(({ message }) => JSON.stringify(message.data.value)));
    });
  });

  describe.skipIf(!go.available)(`Go decodes and encodes each value back, and is gofmt-clean ${go.reason}`.trimEnd(), () => {
    let answers: unknown[] | undefined;
    const module = path.join(work, 'go');
    const answer = (index: number) => {
      if (!answers) {
        mkdirSync(path.join(module, 'realtimecontract'), { recursive: true });
        writeFileSync(path.join(module, 'go.mod'), 'module constructs\n\ngo 1.19\n');
        writeFileSync(path.join(module, 'realtimecontract/messages.go'), files.get(GO_FILE)!);
        writeFileSync(path.join(module, 'main.go'), goMain(HANDLED.map(title)));
        answers = outcomes('go', ['run', '.'], module);
      }
      return answers[index];
    };
    it.each(messages.map(({ construct, label }, index) => [construct.name, label, index] as const))('%s %s', (_name, _value, index) => {
      expect(answer(index)).toStrictEqual({ ok: messages[index]!.message });
    });
    it('gofmt -l lists nothing', () => {
      answer(0);
      const goroot = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).stdout.trim();
      const result = spawnSync(path.join(goroot, 'bin', 'gofmt'), ['-l', path.join(module, 'realtimecontract')], { encoding: 'utf8' });
      expect(result.stderr + result.stdout).toBe('');
    });
  });

  it.each(REFUSED.map((c) => [c.name, c] as const))('refuses %s with its file and JSON Pointer', async (_name, c) => {
    const error = await generate(contractWith(`refused-${c.name}`, [c])).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SchemaError);
    const { file, pointer, problem } = error as SchemaError;
    expect({ file, pointer }).toEqual({ file: `${c.name}.json`, pointer: `/definitions/${pascal(c.name)}Data/properties/value${c.pointer}` });
    expect(problem).toMatch(c.problem);
  });
});

describe('type names in Go and Python', () => {
  const declared = (files: Map<string, string>) => ({
    go: new Set([...files.get(GO_FILE)!.matchAll(/^type (\w+) /gm)].map((m) => m[1]!)),
    python: new Set([...files.get(PYTHON_FILE)!.matchAll(/^(?:class (\w+)|(\w+) = \w+$)/gm)].map((m) => m[1] ?? m[2]!)),
  });
  it('are named after their place: another message with the same inline shapes renames nothing (a fresh user got PurpleVenue for Venue in a minor release)', async () => {
    const venue = (extra: Record<string, unknown>) => object({ venue: object({ name: { type: 'string' }, ...extra }, ['name']), mode: { enum: ['live', 'paper'] } }, ['venue']);
    const before = declared(await generate(contractWith('names-before', [{ name: 'first', schema: venue({ region: { type: 'string' } }), values: [{ venue: { name: 'x' } }] }])));
    const after = declared(await generate(contractWith('names-after', [{ name: 'first', schema: venue({ region: { type: 'string' } }), values: [{ venue: { name: 'x' } }] }, { name: 'second', schema: venue({ id: { type: 'string' } }), values: [{ venue: { name: 'x' } }] }])));
    for (const language of ['go', 'python'] as const) {
      expect([...before[language]].filter((name) => !after[language].has(name)), language).toEqual([]);
      expect(after[language], language).toContain('FirstDataValueVenue');
      expect(after[language], language).toContain('SecondDataValueVenue');
      // The same closed list in both: one type, the second name an alias of the first.
      expect(after[language], language).toContain('SecondDataValueMode');
    }
  });

  it('name an array\'s items …Item and a map\'s values …Value', async () => {
    const names = declared(await generate(contractWith('names-nested', HANDLED.filter((c) => c.name === 'nested_inline_objects'))));
    for (const language of ['go', 'python'] as const) {
      expect([...names[language]].filter((name) => name.startsWith('NestedInlineObjectsDataValue')).sort(), language).toEqual([
        'NestedInlineObjectsDataValue', 'NestedInlineObjectsDataValueByIdValue', 'NestedInlineObjectsDataValueFillsItem', 'NestedInlineObjectsDataValueVenue', 'NestedInlineObjectsDataValueVenueRegion',
      ]);
    }
  });
});

/** A Go program that decodes each `[title, message]` line with its type and encodes it back. */
function goMain(titles: string[]): string {
  const codecs = titles.map((t) => `\t"${t}": func(b []byte) ([]byte, error) {\n\t\tm, err := rc.Unmarshal${t}(b)\n\t\tif err != nil {\n\t\t\treturn nil, err\n\t\t}\n\t\treturn m.Marshal()\n\t},`).join('\n');
  return `package main

import (
\t"bufio"
\t"encoding/json"
\t"fmt"
\t"os"

\trc "constructs/realtimecontract"
)

var codecs = map[string]func([]byte) ([]byte, error){
${codecs}
}

func main() {
\tin := bufio.NewScanner(os.Stdin)
\tin.Buffer(make([]byte, 1<<20), 1<<26)
\tfor in.Scan() {
\t\tvar line [2]json.RawMessage
\t\tvar title string
\t\tif err := json.Unmarshal(in.Bytes(), &line); err != nil {
\t\t\tpanic(err)
\t\t}
\t\tif err := json.Unmarshal(line[0], &title); err != nil {
\t\t\tpanic(err)
\t\t}
\t\tencoded, err := codecs[title](line[1])
\t\tif err != nil {
\t\t\tmessage, _ := json.Marshal(err.Error())
\t\t\tfmt.Printf("{\\"error\\":%s}\\n", message)
\t\t\tcontinue
\t\t}
\t\tfmt.Printf("{\\"ok\\":%s}\\n", encoded)
\t}
}
`;
}
