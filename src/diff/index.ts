import { forEachSubschema, type Contract, type Direction, type SchemaNode } from '../contract/index.js';
import { worse, type Level, type RuleId } from './rules.js';
import { definitionNames, documentationChanges, titleChanges, type DocumentationKind } from './annotations.js';
import { escapeToken, resolvePointer, unescapeToken } from '../runtime/json-pointer.js';
import { goOnlyTypeNames, languageTypeNames, NameClashError } from '../codegen/language-shape.js';
import { diffSchemas, type MessageNodes, type Resolve, type SchemaDelta } from './schema-diff.js';
import { languageNameChanges, type LanguageDeclarations } from './language-code.js';

export { LEVELS, RULES, atLeast, type Level, type RuleId } from './rules.js';

/** One classified change between two contracts. */
export interface Change {
  rule: RuleId;
  level: Level;
  /** Message type (`trades`), document title (`PollResponse`), a shared schema file's name (`definitions.json`, for `documentation-changed` and `type-name-changed`), or null for a protocol fact. */
  subject: string | null;
  /**
   * The direction the change was judged for: a message travelling both ways (ping, pong)
   * gets one change per direction. Null for protocol facts and for facts of the message
   * itself (audience, delivery).
   */
  direction: Direction | null;
  /** JSON Pointer into the message (`/data/platform`, `*` for any item), into protocol.json for a fact, or into the schema file for `documentation-changed` and `type-name-changed`. */
  pointer: string;
  before?: unknown;
  after?: unknown;
  /** What changed, one line. */
  text: string;
  /** Who it breaks (or why it does not), one line. */
  impact: string;
  /**
   * Who fails, from the level and direction: `tolerant-consumers` and `strict-consumers`
   * (server→client), `older-clients` (client→server: the newer server rejects what they send),
   * `older-peers` (message and protocol facts); `newer-consumers` (server→client) when consumers
   * built on the newer contract may reject some of what an older server sends (a narrowing, a
   * required field added, a change that both widens and narrows, a message type removed) and, for
   * a message servers store (not `x-audience: "connection"`), what older servers stored (a Redis stream, the memory store, a journal), which the upgraded servers
   * replay to them until it leaves the store: upgrading servers first does not spare it;
   * and `producer-code`, in either direction, when
   * the generated type of what producers build narrows (a field they must now supply, a value
   * they may no longer use, a field of a type added to an open object, where they may have sent
   * that key with another value): code that builds the message no longer compiles; and
   * `other-language-code`, in either direction, when a field's JSON types change, and its Go
   * and Python types with them (integer ↔ number too: int64 ↔ float64, int ↔ float, although
   * its TypeScript type stays `number`), when a field is removed from a closed object, or when
   * an object with `properties` is opened or closed (a map there when open, a struct or class
   * when closed, or a closed list of strings or a fixed string added or removed (a Go type
   * and constants, a Python Enum): code built on those types, sending or receiving, may no
   * longer compile; and `python-consumers` (server→client) when a closed list gains values or opens: the generated
   * Python decoders read a closed list as an `Enum`, which raises on a value it does not list,
   * so an older Python consumer fails where a tolerant validator takes the value with a notice
   * (the generated Go and TypeScript received types keep such strings open); and
   * `importing-code` for a generated type renamed or removed (`type-name-changed`): the wire is
   * the same, code that imports the name (TypeScript, TypeBox, Go, Python) no longer compiles;
   * and for a close or error code removed, whose constant of the generated `CloseCode` /
   * `CLOSE_CODES` or `ErrorCode` / `ERROR_CODES` goes with it;
   * and, with `other-language-code`, for a message type removed (`message-removed`), whose
   * generated types (`WhaleMessage` in each language) go with it;
   * and for a definition moved to another file (`definition-moved`): a `$ref` into the
   * published file it left no longer resolves.
   * Empty otherwise.
   */
  breaks: Peer[];
}

/** Who a change can break. */
export type Peer = 'tolerant-consumers' | 'strict-consumers' | 'older-clients' | 'older-peers' | 'newer-consumers' | 'producer-code' | 'other-language-code' | 'python-consumers' | 'importing-code';

/** A change before {@link Change.breaks} is derived. */
export type ChangeInput = Omit<Change, 'breaks'>;

/** Semantic-versioning bump a release with these changes needs. */
export type Bump = 'major' | 'minor' | 'patch' | 'none';

/** The result of {@link diffContracts}. */
export interface DiffReport {
  /** Every change, messages in the new contract's order (removed ones last), then documents, then protocol facts. */
  changes: Change[];
  /** How many changes of each level. */
  counts: Record<Level, number>;
  /** The worst level found, or null when nothing changed. */
  worst: Level | null;
  /**
   * The package release these changes call for: major for a breaking change, a generated type
   * or constant (a close or error code) gone or renamed, or one that producers build narrowed (`producer-code` in
   * {@link Change.breaks}), minor for any other change of what is valid or a new type, patch for
   * documentation-level changes. The protocol version follows the wire alone: a change that
   * admits exactly the same values calls for none (a patch at most).
   */
  semver: Bump;
  /** The protocol version each side declares (`x-version`), the lowest the new one should be, and whether it is at least that (`bumped`: true when nothing needs bumping). */
  protocolVersion: { before: string; after: string; suggested: string; bumped: boolean };
}

/**
 * Compares two contracts and classifies every change by the direction of the message it
 * touches (issue 13):
 *
 * - server→client: does an older consumer still accept what a newer server sends? Judged
 *   for tolerant consumers (level `breaking` when they fail) and strict ones (`strict` when
 *   only they fail).
 * - client→server: does a newer server still accept what an older client sends? (The server
 *   validates inbound messages strictly.) Fails → `breaking`.
 * - message facts (audience, delivery class, directions) and protocol facts (keepalive
 *   timing, polling, close and error codes, path) by what an older peer would do wrong.
 *
 * - documentation: a schema file whose descriptions, defaults, examples or comments, spec
 *   section or version history entries changed (`documentation-changed`, compatible, a patch release), reported where nothing else of
 *   that message (for a shared file, nothing at all) calls for a release.
 *
 * Pure: reads both models, returns the report.
 *
 * @param before the older contract (what peers were built against)
 * @param after the newer contract
 * @param options.extraChanges changes found outside the models (facts an older contract did
 *   not declare, see `align.ts`), counted with the rest
 * @param options.languages the declarations of each side's generated Go and Python
 *   (language-code.ts, read from what `generate` writes): with them, a field whose Go or Python
 *   type names another type, or a type or constant name gone or given to another type, is a
 *   `type-name-changed` too, though the contract model saw no name change (an alias split, a
 *   name quicktype gave moved to another type). `realtime-contract diff` passes them.
 */
export function diffContracts(before: Contract, after: Contract, options?: { extraChanges?: ChangeInput[]; languages?: { before: LanguageDeclarations; after: LanguageDeclarations } }): DiffReport {
  const changes: ChangeInput[] = [...(options?.extraChanges ?? [])];
  const resolveBefore = resolver(before);
  const resolveAfter = resolver(after);
  const messageNodes: MessageNodes = { before: messagesOf(before), after: messagesOf(after) };

  const oldMessages = new Map(before.messages.map((m) => [m.type, m]));
  const newMessages = new Map(after.messages.map((m) => [m.type, m]));
  for (const message of after.messages) {
    const old = oldMessages.get(message.type);
    if (!old) {
      for (const direction of message.directions) {
        changes.push(classify({ rule: 'message-added', pointer: '', accepts: 'more', tolerantSurvives: true, text: `message type "${message.type}" added` }, message.type, direction, 'message', false));
      }
      continue;
    }
    for (const direction of message.directions) {
      if (!old.directions.includes(direction)) {
        changes.push(messageFact('direction-added', message.type, direction, 'compatible', `now also sent ${arrow(direction)}`, 'older peers never send or expect it that way; the newer side accepts more', old.directions, message.directions));
      }
    }
    for (const direction of old.directions) {
      if (!message.directions.includes(direction)) {
        // Server→client, as a type removed: newer consumers meet it from older servers, and from the store (tDM F3).
        const removed = messageFact('direction-removed', message.type, direction, 'breaking', `no longer sent ${arrow(direction)}`, direction === 'client-to-server' ? 'the newer server rejects it from older clients' : `older consumers no longer receive it; newer consumers may reject it from an older server that still sends it so: upgrade servers first${storedNote(isStored(old))}`, old.directions, message.directions);
        if (direction === 'server-to-client') NEWER_CONSUMERS_REJECT.add(removed);
        changes.push(removed);
      }
    }
    if (old.audience !== message.audience) {
      changes.push(messageFact('audience-changed', message.type, null, 'breaking', `audience changed from "${old.audience}" to "${message.audience}"`, 'who receives it changed: consumers see other data than before (or none)', old.audience, message.audience));
    }
    if (old.delivery.class !== message.delivery.class) {
      const toState = message.delivery.class === 'state';
      changes.push(
        messageFact('delivery-changed', message.type, null, toState ? 'breaking' : 'compatible', `delivery class changed from ${old.delivery.class} to ${message.delivery.class}`,
          toState ? 'messages may now be conflated to the latest per key: consumers that count or log every event miss some' : 'every message is now delivered: consumers that kept the latest value still work',
          old.delivery, message.delivery),
      );
    } else if (old.delivery.class === 'state' && message.delivery.class === 'state' && old.delivery.key !== message.delivery.key) {
      changes.push(messageFact('delivery-key-changed', message.type, null, 'breaking', `state key changed from ${JSON.stringify(old.delivery.key)} to ${JSON.stringify(message.delivery.key)}`, 'consumers that keep the latest value per key keep the wrong rows', old.delivery.key, message.delivery.key));
    }
    const deltas = diffSchemas(old.schema, message.schema, resolveBefore, resolveAfter, '', messageNodes);
    for (const direction of message.directions) {
      if (!old.directions.includes(direction)) continue;
      for (const delta of deltas) changes.push(classify(delta, message.type, direction, 'message', isStored(old)));
    }
  }
  for (const old of before.messages) {
    if (newMessages.has(old.type)) continue;
    for (const direction of old.directions) {
      // Its generated type goes with it (`WhaleMessage`: TypeScript, Go, Python), as a title
      // renamed is gone: importing-code too (it read only the consumers: a fresh user).
      // Its title kept by another type (the type renamed on the wire): the generated names stay (tDM F4).
      const titleKept = after.messages.some((m) => m.title === old.title);
      const change = classify({ rule: 'message-removed', pointer: '', accepts: 'fewer', text: titleKept ? `message type "${old.type}" removed; its type ${JSON.stringify(old.title)} is another type's now` : `message type "${old.type}" removed, and its type ${JSON.stringify(old.title)} with it` }, old.type, direction, 'message', isStored(old));
      if (titleKept) TITLE_KEPT.add(change);
      else change.impact += `; code that imports ${old.title} from the generated types (TypeScript, Go, Python) no longer compiles`;
      changes.push(change);
    }
  }

  const oldDocuments = new Map((before.documents ?? []).map((d) => [d.file, d]));
  const newDocuments = new Map((after.documents ?? []).map((d) => [d.file, d]));
  for (const document of after.documents ?? []) {
    const old = oldDocuments.get(document.file);
    if (!old) {
      changes.push(messageFact('document-added', document.title, null, 'compatible', `document ${document.title} (${document.file}) added`, 'older peers do not use it'));
      continue;
    }
    for (const delta of diffSchemas(old.schema, document.schema, resolveBefore, resolveAfter, '', messageNodes)) changes.push(classify(delta, document.title, 'server-to-client', 'document', documentPartStored(document.title, delta.pointer)));
  }
  for (const old of before.documents ?? []) {
    if (!newDocuments.has(old.file)) changes.push(messageFact('document-removed', old.title, null, 'breaking', `document ${old.title} (${old.file}) removed`, 'older clients that use it fail'));
  }

  changes.push(...diffProtocol(before, after));
  // Documentation is reported where nothing else calls for a release: with other changes of
  // the same message (or, for a shared file, any change), the release they call for covers it.
  const documented = new Set(changes.map((change) => change.subject));
  changes.push(...diffDocumentation(before, after).filter((change) => (SHARED_FILES.test(change.subject!) ? changes.length === 0 : !documented.has(change.subject))));
  // A renamed type is reported whatever else changed: code that imports it must follow.
  changes.push(...diffTypeNames(before, after, options?.languages));

  const counts: Record<Level, number> = { breaking: 0, strict: 0, compatible: 0 };
  let worst: Level | null = null;
  for (const change of changes) {
    counts[change.level]++;
    worst = worst === null ? change.level : worse(worst, change.level);
  }
  // The protocol's version follows the wire; the package's release also follows the names of
  // its generated types (a type gone or renamed breaks code that imports it).
  const wire = changes.filter((c) => c.rule !== 'type-name-changed' && c.rule !== 'definition-moved');
  const wireWorst = wire.reduce<Level | null>((level, c) => (level === null ? c.level : worse(level, c.level)), null);
  const protocolBump: Bump = wireWorst === null ? 'none' : wireWorst === 'breaking' ? 'major' : wire.some((c) => !DOCUMENTATION_RULES.has(c.rule) && !EQUIVALENT.has(c)) ? 'minor' : 'patch';
  const names = changes.filter((c) => c.rule === 'type-name-changed' || c.rule === 'definition-moved');
  // A generated constant gone (a close or error code removed) breaks code that imports it too.
  const namesBump: Bump = names.some((c) => !onlyAddsDefinition(c)) || changes.some((c) => CONSTANT_GONE.has(c)) ? 'major' : names.length > 0 ? 'minor' : 'none';
  // And the types producers build: a change that narrows one breaks code that builds the message,
  // whatever it does on the wire (a required field added to a server→client message is `strict`).
  const codeBump: Bump = changes.some((change) => narrowsBuiltType(change) || retypesOtherLanguages(change)) ? 'major' : 'none';
  const semver: Bump = BUMPS[Math.max(BUMPS.indexOf(protocolBump), BUMPS.indexOf(namesBump), BUMPS.indexOf(codeBump))]!;
  const suggested = suggestVersion(before.protocol.version, protocolBump);
  const bumped = compareVersions(after.protocol.version, suggested) >= 0;
  if (!bumped) {
    changes.push({
      rule: 'protocol-version-not-bumped', level: 'strict', subject: null, direction: null, pointer: '/x-version',
      before: before.protocol.version, after: after.protocol.version,
      text: `protocol version ${after.protocol.version} is lower than ${suggested}, which these changes call for`,
      impact: 'peers cannot tell the contracts apart by version',
    });
    counts.strict++;
    worst = worst === null ? 'strict' : worse(worst, 'strict');
  }
  // Not a change of the wire: what the changes left undone, said after the release is judged.
  for (const finding of listsLeftBehind(before, after)) {
    changes.push(finding);
    counts.compatible++;
    worst ??= 'compatible';
  }
  return {
    changes: changes.map(withCodeImpact),
    counts, worst, semver,
    protocolVersion: { before: before.protocol.version, after: after.protocol.version, suggested, bumped },
  };
}

/** Every closed list of strings in a contract's schema files, by `<file>#<pointer>`. */
function closedLists(contract: Contract): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  for (const [file, schema] of contract.files) {
    forEachSubschema(schema, (node, pointer) => {
      if (Array.isArray(node.enum) && node.enum.length > 0 && node.enum.every((value) => typeof value === 'string')) lists.set(`${file}#${pointer}`, node.enum as string[]);
    });
  }
  return lists;
}

/**
 * A closed list of three values or more that gained values, and another that held every value
 * it held before but did not gain them: `Platform` given "coinbase" where `balances`' own
 * platform list (every exchange and "all") was left as it was, so that every balances message
 * for it is refused. Found by the lists' values, not their names; said once per pair, as a
 * `compatible` finding of its own (`closed-list-not-extended`), since it may be meant.
 */
function listsLeftBehind(before: Contract, after: Contract): ChangeInput[] {
  const old = closedLists(before);
  const now = closedLists(after);
  const findings: ChangeInput[] = [];
  for (const [place, values] of now) {
    const was = old.get(place);
    // A short list is in too many others to say anything (`buy`, `sell` is in every list of
    // trading decisions): from three values on.
    if (was === undefined || was.length < 3) continue;
    const added = values.filter((value) => !was.includes(value));
    if (added.length === 0) continue;
    for (const [other, otherValues] of now) {
      if (other === place || !was.every((value) => otherValues.includes(value))) continue;
      const missing = added.filter((value) => !otherValues.includes(value));
      if (missing.length === 0) continue;
      const shown = missing.map((value) => JSON.stringify(value)).join(', ');
      findings.push({
        rule: 'closed-list-not-extended', level: 'compatible', subject: null, direction: null, pointer: other, after: missing,
        text: `lists every value ${place} listed, but not the added ${shown}`,
        impact: `a message that carries ${shown} there is refused: add ${missing.length === 1 ? 'it' : 'them'} to this list too, if the two lists mean the same`,
      });
    }
  }
  return findings;
}

/** `change` with who it breaks, and what it does to code built on the generated types (producer code, Go and Python). */
function withCodeImpact(change: ChangeInput): Change {
  const breaks = whoBreaks(change);
  if (NEWER_CONSUMERS_REJECT.has(change)) breaks.push('newer-consumers');
  let impact = change.impact;
  if (narrowsBuiltType(change)) {
    impact += '; code that builds the message may no longer compile against the newer generated types: a major release';
    breaks.push('producer-code');
  }
  if (retypesOtherLanguages(change)) {
    const object = OBJECT_RETYPED.get(change);
    const values = MAP_VALUES.get(change);
    const map = values === undefined ? 'map[string]interface{}, Dict[str, Any]' : `map[string]${values.go}, Dict[str, ${values.python}]${values.go === 'T' ? ', T the type of its values' : ''}`;
    impact += object === 'map'
      ? `; Go and Python now type the object as a map (${map}), not a struct or class: code built on them may no longer compile, a major release`
      : object === 'struct'
        ? '; Go and Python now type the object as a struct or class, not a map: code built on them may no longer compile, a major release'
        : object === 'field-removed'
          ? '; Go and Python lose the field: code built on them that reads or writes it no longer compiles, a major release'
        : object === 'optionality'
          ? `; Go and Python give the field another type (an optional key is a pointer with omitempty in Go, Optional in Python: ${optionalityExample(change)}): code built on them may no longer compile, a major release`
        : object === 'python-optionality'
          ? `; Python gives the field another type (a union, Union[int, str] ${change.rule === 'property-made-optional' ? 'becomes' : 'was'} Optional[Union[int, str]]; Go's is a pointer either way): code built on it may no longer type-check, a major release`
        : object === 'go-optionality'
          ? `; Go gives the field another type (an optional array or map is a pointer with omitempty there: []T ${change.rule === 'property-made-optional' ? 'becomes *[]T' : 'was *[]T'}; Python's is Optional either way): code built on it may no longer compile, a major release`
          : change.rule === 'enum-removed' || change.rule === 'const-removed'
            ? '; Go and Python lose the closed list\'s type and its constants (a Go type with a constant per value, a Python Enum): code built on them that names one no longer compiles, a major release'
          : change.rule === 'enum-added' || change.rule === 'const-added'
            ? '; Go and Python give the field a type of its own for the closed list (a Go type with a constant per value where it was string, a Python Enum where it was str): code built on them that reads or writes it as a plain string may no longer compile, a major release'
            : change.rule === 'enum-value-removed' || change.rule === 'const-changed'
              ? `; Go and Python lose the value's constant (a Go constant, a Python Enum member): code built on them that names ${JSON.stringify(change.before)}, sending or receiving, no longer compiles, a major release`
            : change.rule === 'type-changed' || !sameNumericKinds(change)
              ? '; Go and Python give the field another type: code built on them may no longer compile, a major release'
              : '; Go and Python give the field another type (int64 or float64, int or float): code built on them may no longer compile, a major release';
    breaks.push('other-language-code');
  }
  // Its generated types are gone, in every language: code that imports them, and code built on
  // them in Go and Python (a title renamed said importing-code, the message removed did not: a fresh user).
  if (change.rule === 'message-removed' && !TITLE_KEPT.has(change)) breaks.push('importing-code', 'other-language-code');
  if (CONSTANT_GONE.has(change)) breaks.push('importing-code');
  return { ...change, impact, breaks };
}

/**
 * Whether older consumers decoding with the generated Python code raise on what a server→client
 * change lets through: a closed list of strings is an `Enum` there, which raises on a value it
 * does not list (a fresh user's older consumer lost the message), where tolerant validators
 * take it with a notice. A list of other values (`enum: [1, 2]`, `const: true`) is the plain
 * type of its values in Python, which takes any (src/codegen/quicktype.ts, `isStringList`).
 */
function pythonEnumRaises(change: ChangeInput): boolean {
  if (change.direction !== 'server-to-client' || DECODED_JSON.has(change)) return false;
  if (change.rule === 'enum-value-added') return typeof change.after === 'string';
  if (change.rule === 'schema-changed') return OPENED_STRING_LISTS.has(change);
  return change.rule === 'enum-removed' && isStringList(change.before);
}

/**
 * Values of which Go and Python give the strings a type of their own, with a constant or member
 * each: a list with a string other than "" (quicktype makes one for the strings of a mixed list
 * too: `["spot", "margin", 1]` gave `VenueKindEnum` with `VenueKindSpot`; a reviewer).
 */
function isStringList(values: unknown): boolean {
  return Array.isArray(values) && values.some((value) => typeof value === 'string' && value !== '');
}

/** Changes inside a value Go and Python keep as decoded JSON (AiTaskResult: a map there): no Python Enum raises on it (tHL F1). */
const DECODED_JSON = new WeakSet<ChangeInput>();

/** A union's new closed lists of strings, which an older list opens to in tolerant mode but an older Python Enum raises on (tIH F2). */
const OPENED_STRING_LISTS = new WeakSet<ChangeInput>();

function whoBreaks(change: ChangeInput): Peer[] {
  // The wire is the same; code that imports the old name is not (it read `breaks: []`, "nobody": a fresh user).
  if (change.rule === 'type-name-changed') return onlyAddsDefinition(change) ? [] : ['importing-code'];
  if (change.rule === 'definition-moved') return ['importing-code'];
  if (change.level === 'compatible' || change.rule === 'protocol-version-not-bumped') return [];
  if (change.level === 'strict' && pythonEnumRaises(change)) return ['strict-consumers', 'python-consumers'];
  if (change.level === 'strict') return ['strict-consumers'];
  if (change.direction === 'server-to-client') return ['tolerant-consumers', 'strict-consumers'];
  if (change.direction === 'client-to-server') return ['older-clients'];
  return ['older-peers'];
}

/**
 * Rules that narrow the TypeScript type generated for what a producer builds (`TradesMessage`,
 * the argument of `createTrades`): a field it must now supply, or may no longer write (the
 * generated object types are closed: an object literal with it no longer compiles), a value,
 * a JSON type (dropped, or changed for another) or `null` it may no longer write, an open string become a closed list or a fixed
 * value. Code that builds the message (the server for server→client, the client for
 * client→server) may no longer compile. Ranges, lengths, patterns and formats are not in the
 * types, nor is integer against number (`type-narrowed` from number to integer is not counted).
 */
const NARROWS_BUILT_TYPE = new Set<RuleId>(['type-changed', 'required-property-added', 'property-made-required', 'enum-value-removed', 'enum-added', 'const-added', 'const-changed', 'made-non-nullable', 'optional-property-removed', 'required-property-removed', 'additional-properties-forbidden']);

function narrowsBuiltType(change: ChangeInput): boolean {
  if (change.direction === null) return false;
  const said = BUILT_TYPE.get(change);
  if (said !== undefined) return said;
  // A JSON type dropped is a TypeScript type dropped, but for integer → number, both `number`.
  if (change.rule === 'type-narrowed') {
    const kinds = (types: unknown) => (Array.isArray(types) ? new Set(types.map((type) => (type === 'integer' ? 'number' : String(type)))) : undefined);
    const before = kinds(change.before);
    const after = kinds(change.after);
    return before === undefined || after === undefined || before.size !== after.size;
  }
  return NARROWS_BUILT_TYPE.has(change.rule);
}

/**
 * Whether the Go and Python types of the field change: any change of its JSON types (integer ↔
 * number too, where TypeScript has `number` for both: int64 and float64, int and float; to or
 * from any type, `interface{}` and `Any`), or of its nullability (`string` ↔ `*string`, `str` ↔
 * `Optional[str]`), or of its being optional in a struct (`int64` ↔ `*int64`, `int` ↔
 * `Optional[int]`: {@link SchemaDelta.otherLanguages}). Code built on those types, sending or receiving, may no longer compile. A
 * fresh user's number → integer was called a minor release while their Go code no longer
 * compiled; number → string listed neither producer nor Go code.
 */
function retypesOtherLanguages(change: ChangeInput): boolean {
  if (change.direction === null) return false;
  if (OBJECT_RETYPED.get(change) === 'unchanged') return false;
  if (change.rule === 'type-changed' || change.rule === 'made-nullable' || change.rule === 'made-non-nullable') return true;
  // A field gone from a struct or class; a closed object with properties opened (a map), or an object closed into one.
  if (OBJECT_RETYPED.has(change)) return true;
  // A closed list of strings opened: its Go type and constants, its Python Enum, are gone (a hostile tester).
  if (change.rule === 'enum-removed') return isStringList(change.before);
  // And the reverse: an open string closed into such a list, or fixed to a string, gains that
  // type (`K *string` became `K *AlertDataK`, `Optional[str]` an Enum: it read producer code alone, a hostile tester).
  if (change.rule === 'enum-added') return isStringList(change.after);
  if (change.rule === 'const-added') return typeof change.after === 'string' && change.after !== '';
  // A string gone from such a list: its Go constant and Python Enum member go with it, and a
  // consumer's `case TradeDataStatusFailed:` no longer compiles (it read producer code alone: a fresh user).
  // A fixed string is such a list of one: freed, its type and constant go; changed, its constant
  // (`{ "type": "string", "const": "x" }` made "y" read producer code alone).
  if (change.rule === 'enum-value-removed' || change.rule === 'const-removed' || change.rule === 'const-changed') return typeof change.before === 'string' && change.before !== '';
  if (change.rule !== 'type-narrowed' && change.rule !== 'type-widened') return false;
  // To or from any type (no `type`): one side is `interface{}` / `Any`.
  if (!Array.isArray(change.before) || !Array.isArray(change.after)) return true;
  const exact = (types: unknown[]) => [...new Set(types.map(String))].sort().join();
  return exact(change.before) !== exact(change.after);
}

/** Whether a type change is integer ↔ number alone (one TypeScript type, `number`, on both sides). */
function sameNumericKinds(change: ChangeInput): boolean {
  if (!Array.isArray(change.before) || !Array.isArray(change.after)) return false;
  const numeric = (types: unknown[]) => [...new Set(types.map((type) => (type === 'integer' ? 'number' : String(type))))].sort().join();
  return numeric(change.before) === numeric(change.after);
}

/** Changes that alter no message's validity and no peer's behaviour: a patch release. */
const DOCUMENTATION_RULES = new Set<RuleId>(['known-values-changed', 'protocol-version-changed', 'connection-notes-changed', 'documentation-changed']);

/** Releases from none to major. */
const BUMPS: readonly Bump[] = ['none', 'patch', 'minor', 'major'];

/** A subject that names a shared schema file rather than a message or a document. */
const SHARED_FILES = /\.json$/;

/** What changed, by kind of documentation ({@link DocumentationKind}): in one place, and in several. */
const DOCUMENTATION_WORDS: Readonly<Record<DocumentationKind, readonly [string, string]>> = {
  annotations: ['description, default, examples or comment', 'descriptions, defaults, examples or comments'],
  'spec-section': ['spec section (x-spec-section)', 'spec section (x-spec-section)'],
  'version-history': ['version history entry', 'version history entries'],
};

/**
 * One `documentation-changed` per schema file whose descriptions, defaults, examples or comments
 * (or `readOnly`, `writeOnly`), spec section, or version history entries changed: `generate`
 * rewrites the reference docs, the type comments and the AsyncAPI document from them, so the
 * package changes although no message's validity does (a patch release). Its pointer is into
 * the file (the first place whose text changed, in the file's order); its subject the message
 * or document the file holds, or the file's name for a shared one (`definitions.json`,
 * `protocol.json`).
 */
function diffDocumentation(before: Contract, after: Contract): ChangeInput[] {
  const subjects = fileSubjects(after);
  const changes: ChangeInput[] = [];
  for (const [file, schema] of after.files) {
    const old = before.files.get(file);
    if (old === undefined) continue;
    const places = documentationChanges(old, schema);
    if (places.length === 0) continue;
    const kinds = [...new Set(places.map((place) => place.kind))];
    changes.push({
      rule: 'documentation-changed', level: 'compatible', subject: subjects.get(file) ?? file, direction: null, pointer: places[0]!.pointer,
      text: places.length === 1 ? `${DOCUMENTATION_WORDS[places[0]!.kind][0]} changed` : `${kinds.map((kind) => DOCUMENTATION_WORDS[kind][1]).join('; ')} changed in ${places.length} places (the first here)`,
      impact: 'no message changes validity; generate rewrites the docs and type comments from them',
    });
  }
  return changes;
}

/**
 * One `type-name-changed` per name of a generated type that changed, came or went: a
 * definition added or removed in any file (moved from one file to another, it keeps its name),
 * a message's or document's title, an inline schema's title. The wire does not change
 * (compatible), but code that imports the type by name (TypeScript, TypeBox, Go, Python) must
 * follow: the package's release is major for a name gone or renamed — an inline title added
 * too where Go or Python named that type after its place before — and minor for a new
 * definition, or an inline title where TypeScript alone declares the type; the protocol version is not concerned. Pointer and subject as for
 * {@link diffDocumentation}.
 */
function diffTypeNames(before: Contract, after: Contract, languages?: { before: LanguageDeclarations; after: LanguageDeclarations }): ChangeInput[] {
  const subjects = fileSubjects(after);
  const oldSubjects = fileSubjects(before);
  const changes: ChangeInput[] = [];
  const change = (subject: string, pointer: string, was: string | undefined, now: string | undefined, impact: string): void => {
    const text = was === undefined ? `type ${JSON.stringify(now)} added` : now === undefined ? `type ${JSON.stringify(was)} removed` : `type ${JSON.stringify(was)} renamed ${JSON.stringify(now)}`;
    changes.push({ rule: 'type-name-changed', level: 'compatible', subject, direction: null, pointer, before: was, after: now, text, impact });
  };
  // The languages that declare a name: a definition only an anyOf of objects uses (decoded JSON
  // in Go and Python) is a TypeScript type only; a union a Go type besides, not a Python one
  // (tEV F2: diff named Go and Python types quicktype never wrote).
  const oldDeclared = declaredIn(before);
  const newDeclared = declaredIn(after);
  const gone = (was: string, now?: string) => `the wire is unchanged; code that imports ${was} from the generated types (${oldDeclared(was)}) must ${now === undefined ? 'stop' : `use ${now}`}`;
  for (const [file, schema] of after.files) {
    const old = before.files.get(file);
    if (old === undefined) continue;
    for (const { pointer, before: was, after: now } of titleChanges(old, schema, subjects.has(file))) {
      // A title added names a type Go and Python declared under its place's name before (an
      // object, a closed list; a union in Go alone); where neither declares one (any value, an
      // array, a union in Python), TypeScript only gains a type, and no importing code breaks (tFV F6).
      const languages = was === undefined && now !== undefined ? newDeclared(now) : undefined;
      if (languages === 'TypeScript') {
        change(subjects.get(file) ?? file, pointer, was, now, `the wire is unchanged; the generated TypeScript exports one more type, ${now}; Go and Python declare no type of their own here, before or after`);
        ONLY_ADDS_TYPE.add(changes.at(-1)!);
        continue;
      }
      change(subjects.get(file) ?? file, pointer, was, now, was === undefined
        ? `the wire is unchanged; the generated code names this type ${now}: ${languages === 'TypeScript, Go' ? 'Go' : 'Go and Python'} named it after its place before, so code that imports that name must use ${now}`
        : gone(was, now));
    }
  }
  const oldNames = definitionNames(before.files);
  const newNames = definitionNames(after.files);
  for (const [name, file] of oldNames) {
    if (!newNames.has(name)) change(subjects.get(file) ?? oldSubjects.get(file) ?? file, `/definitions/${escapeToken(name)}`, name, undefined, gone(name));
  }
  for (const [name, file] of newNames) {
    if (!oldNames.has(name)) change(subjects.get(file) ?? file, `/definitions/${escapeToken(name)}`, undefined, name, `the wire is unchanged; the generated code exports one more type (${newDeclared(name)})`);
  }
  // Moved to another file under its name: every generated type keeps it, but the published
  // per-type schema it left no longer holds it, and the docs list it elsewhere (diff said "no
  // changes": a hostile tester; a documentation note vanished beside any other change: a reviewer).
  for (const [name, file] of newNames) {
    const was = oldNames.get(name);
    if (was === undefined || was === file) continue;
    changes.push({
      rule: 'definition-moved', level: 'compatible', subject: subjects.get(file) ?? file, direction: null, pointer: `/definitions/${escapeToken(name)}`,
      before: `${was}#/definitions/${escapeToken(name)}`, after: `${file}#/definitions/${escapeToken(name)}`,
      text: `definition ${JSON.stringify(name)} moved here from ${was}`,
      impact: `the wire and the generated types are unchanged; a $ref to ${was}#/definitions/${escapeToken(name)} (the package publishes its schemas) must follow it to ${file}`,
    });
  }
  // The names Go and Python give what the schemas leave untitled, after its place
  // (`TradeDataStatus`), and the aliases of closed lists of the same values: one gone went
  // unsaid when the list moved to a definition of its own, or an inline list that aliased one
  // became a $ref to it (a hostile tester: code importing TradeDataStatus broke). Said where
  // the place is a $ref now; a place gone, renamed or no longer a type of its own (a list
  // opened) is another change's, said already.
  const oldLanguage = languageNames(before);
  const newLanguage = languageNames(after);
  const told = new Set(changes.map((c) => c.before));
  for (const [name, at] of oldLanguage) {
    if (newLanguage.has(name) || told.has(name) || typeof (resolvePointer(after.bundle, at) as SchemaNode | undefined)?.$ref !== 'string') continue;
    const [file, pointer] = bundlePlace(before, at);
    change(subjects.get(file) ?? oldSubjects.get(file) ?? file, pointer, name, undefined, `the wire is unchanged; the generated Go and Python no longer declare ${name} (a type named after its place, or an alias of a closed list), so code that imports it must stop`);
  }
  if (languages) changes.push(...generatedNameChanges(before, after, languages, new Set(changes.flatMap((c) => [c.before, c.after])), subjects, oldSubjects));
  return changes;
}

/**
 * The names the generated Go and Python changed that the contract model does not show (tGY F2:
 * a list aliasing `Side` split from it when either gained a value, the field `*Side` became
 * `*TradeDataDir`; tGI F11, tGY F6: a name quicktype gives moved to another type when a union or
 * a field was added elsewhere), read from both sides' generated code ({@link languageNameChanges}):
 * one `type-name-changed` per place, naming each old and new name, a major release.
 */
function generatedNameChanges(before: Contract, after: Contract, languages: { before: LanguageDeclarations; after: LanguageDeclarations }, told: ReadonlySet<unknown>, subjects: Map<string, string>, oldSubjects: Map<string, string>): ChangeInput[] {
  const newPlaces = languageNames(after);
  const oldPlaces = languageNames(before);
  const byPlace = new Map<string, ChangeInput & { notes: string[]; names: { before: string[]; after: string[] }; inLanguages: Set<string>; renamed?: boolean; keepsNames?: boolean; methods?: boolean }>();
  for (const found of languageNameChanges(languages.before, languages.after, told)) {
    // A struct or class is a definition, or a type named after its place; a field is its property.
    const owner = newPlaces.get(found.owner) ?? oldPlaces.get(found.owner) ?? `/definitions/${escapeToken(found.owner)}`;
    const contract = newPlaces.has(found.owner) || !oldPlaces.has(found.owner) ? after : before;
    const node = resolvePointer(contract.bundle, owner) as SchemaNode | undefined;
    const key = found.field === undefined ? undefined : [found.field, found.field.replace(/_$/, '')].find((name) => node?.properties !== undefined && Object.hasOwn(node.properties, name));
    const [file, pointer] = bundlePlace(contract, key === undefined ? owner : `${owner}/properties/${escapeToken(key)}`);
    const subject = (contract === after ? subjects : oldSubjects).get(file) ?? file;
    const id = `${subject}\u0000${pointer}`;
    let entry = byPlace.get(id);
    if (!entry) {
      entry = { rule: 'type-name-changed', level: 'compatible', subject, direction: null, pointer, text: '', impact: '', notes: [], names: { before: [], after: [] }, inLanguages: new Set() };
      byPlace.set(id, entry);
    }
    entry.notes.push(...found.notes);
    entry.names.before.push(...found.before);
    entry.names.after.push(...found.after);
    for (const note of found.notes) entry.inLanguages.add(note.split(' ')[0]!);
    if (found.renamed) entry.renamed = true;
    if (found.methods) entry.methods = true;
    entry.keepsNames = (entry.keepsNames ?? true) && found.keepsNames === true;
  }
  return [...byPlace.values()].map(({ notes, names, inLanguages, renamed, keepsNames, methods, ...change }) => {
    const said = [...inLanguages].sort().join(' and ');
    const fails = `no longer ${said === 'Python' ? 'runs' : 'compiles'}${said === 'Go and Python' ? ' (Go) or runs (Python)' : ''}`;
    if (keepsNames) {
      const kept: ChangeInput = {
        ...change,
        before: [...new Set(names.before)].join(', '),
        text: `the generated ${said} declare the type here as an alias: ${notes.join('; ')}`,
        impact: `every older name is still declared and means the same values, so code built on the generated ${said} still compiles and runs; only the type's printed name changes (Go's %T, Python's repr): a minor release`,
      };
      NAMES_KEPT.add(kept);
      return kept;
    }
    return {
      ...change,
      before: [...new Set(names.before)].join(', '),
      ...(names.after.length > 0 ? { after: [...new Set(names.after)].join(', ') } : {}),
      text: methods && !renamed && notes.every((note) => /MarshalJSON|UnmarshalJSON/.test(note)) ? `the generated ${said} decode or encode this struct another way: ${notes.join('; ')}` : `the generated ${said} name ${renamed ? 'other fields' : 'other types'} here: ${notes.join('; ')}`,
      impact: methods
        ? `the wire rules see no change, but a struct of a consumer's that embeds this one decodes and encodes through the methods it now has or no longer has: with them, only the generated fields (the consumer's own left empty on decode, dropped on encode) and \`DisallowUnknownFields\` no longer reaching inside it; code that embeds it must follow`
        : renamed
        ? `the wire rules see no name change, but code built on the generated ${said} that reads or sets the field by its older name now reads or writes another key, of another type maybe, without an error, or ${fails}, so code that uses it must follow`
        : `the wire rules see no name change, but code built on the generated ${said} that names the older type or assigns one here ${fails}, so code that imports it must follow`,
    };
  });
}

/**
 * The generated languages that declare a type of each name, as a list for a message
 * (`TypeScript, Go, Python`; `TypeScript` for a type Go and Python do not declare). All three
 * when generate refuses the contract (two types of one name), which has no generated code to ask.
 */
function declaredIn(contract: Contract): (name: string) => string {
  const roots = [...contract.messages.map((m) => m.title), ...(contract.documents ?? []).map((d) => d.title)];
  let names: Map<string, string>;
  let goOnly: Set<string>;
  try {
    names = languageTypeNames(contract.bundle, roots);
    goOnly = goOnlyTypeNames(contract.bundle, roots);
  } catch (error) {
    if (error instanceof NameClashError) return () => 'TypeScript, Go, Python';
    throw error;
  }
  return (name) => (!names.has(name) ? 'TypeScript' : goOnly.has(name) ? 'TypeScript, Go' : 'TypeScript, Go, Python');
}

/** {@link languageTypeNames} of a contract, or none when generate refuses it (two types of one name). */
function languageNames(contract: Contract): Map<string, string> {
  try {
    return languageTypeNames(contract.bundle, [...contract.messages.map((m) => m.title), ...(contract.documents ?? []).map((d) => d.title)]);
  } catch (error) {
    if (error instanceof NameClashError) return new Map();
    throw error;
  }
}

/** The schema file and pointer in it of a bundle pointer (`/definitions/<name>…`), as the bundle was built (src/contract/bundle.ts). */
function bundlePlace(contract: Contract, at: string): [file: string, pointer: string] {
  const [, , first = '', ...rest] = at.split('/');
  const name = unescapeToken(first);
  const tail = rest.length === 0 ? '' : `/${rest.join('/')}`;
  const root = [...contract.messages, ...(contract.documents ?? [])].find((m) => m.title === name);
  if (root) return [root.file, tail];
  for (const [file, schema] of contract.files) {
    if (schema.definitions && Object.hasOwn(schema.definitions, name)) return [file, `/definitions/${first}${tail}`];
  }
  return ['definitions.json', at];
}

/** Whether a `type-name-changed` only adds a definition (a minor release); any other breaks code that imports a name. */
function onlyAddsDefinition(change: ChangeInput): boolean {
  return NAMES_KEPT.has(change) || (change.before === undefined && (/^\/definitions\/[^/]+$/.test(change.pointer) || ONLY_ADDS_TYPE.has(change)));
}

/** A type of its own made an alias of a type the older code did not declare: every older name kept (tHL F4), a minor release. */
const NAMES_KEPT = new WeakSet<ChangeInput>();

/** An inline title added where Go and Python declare no type: TypeScript exports one more, nothing is renamed. */
const ONLY_ADDS_TYPE = new WeakSet<ChangeInput>();

/** The message or document each schema file holds, by file name. */
function fileSubjects(contract: Contract): Map<string, string> {
  return new Map<string, string>([...contract.messages.map((m) => [m.file, m.type] as const), ...(contract.documents ?? []).map((d) => [d.file, d.title] as const)]);
}

function resolver(contract: Contract): Resolve {
  const definitions = contract.bundle.definitions ?? {};
  // Message and document schemas are compared as written (refs relative to their file);
  // bundle-local refs and file refs both resolve through the bundle's names.
  const byFile = new Map<string, string>();
  for (const [file, schema] of contract.files) if (typeof schema.title === 'string') byFile.set(file, schema.title);
  return (ref) => {
    const local = /^#\/definitions\/([^/]+)$/.exec(ref);
    if (local) return definitions[local[1]!];
    const [file = '', fragment = ''] = ref.split('#');
    const fileRef = /^\/definitions\/([^/]+)$/.exec(fragment);
    if (fileRef) return definitions[fileRef[1]!];
    if (fragment === '' && byFile.has(file)) return definitions[byFile.get(file)!];
    return undefined;
  };
}

/** The bundle's definition of each message, as {@link resolver} resolves a `$ref` to it (`trades.json`, `#/definitions/TradesMessage`). */
function messagesOf(contract: Contract): Set<SchemaNode> {
  const definitions = contract.bundle.definitions ?? {};
  return new Set(contract.messages.map((message) => definitions[message.title]!));
}

function arrow(direction: Direction): string {
  return direction === 'server-to-client' ? 'server→client' : 'client→server';
}

/**
 * Classifies a schema delta for one direction.
 *
 * Server→client: narrowing never hurts an older consumer; widening does, unless tolerant
 * consumers survive it (an unknown field, an unknown enum value, an unknown message type),
 * in which case only strict validators fail. Client→server: widening never hurts (the newer
 * server accepts more); anything else may reject what an older client sends. The level is
 * judged for older peers; a compatible narrowing (server→client) or widening (client→server)
 * says in its impact that newer peers need servers upgraded first. `stored`: whether older servers
 * stored messages of the type (see {@link isStored}), which the upgraded ones replay.
 */
function classify(delta: SchemaDelta, subject: string, direction: Direction, kind: 'message' | 'document', stored: boolean): ChangeInput {
  const { rule, pointer, before, after, text } = delta;
  let level: Level;
  let impact: string;
  let newerReject = false;
  if (rule === 'message-removed') {
    level = 'breaking';
    // The other way round too: a consumer built on the newer contract meets an older server that still sends the type, and the
    // messages of it older servers stored, as an unknown type (tDJ F4: only the older consumers were named).
    impact = direction === 'server-to-client'
      ? `older consumers no longer receive it; ${NEWER_MEET_REMOVED}${storedNote(stored)}`
      : 'the newer server rejects it from older clients';
    newerReject = direction === 'server-to-client';
  } else if (direction === 'server-to-client') {
    const who = kind === 'document' ? 'older clients' : 'older consumers';
    if (delta.accepts === 'same') {
      level = 'compatible';
      impact = sameByList(delta) ? 'the values the closed list admits decide what passes, each added or removed one said by itself' : 'no value changes validity';
    } else if (delta.accepts === 'fewer') {
      level = 'compatible';
      // The other way round, during a rollout: a consumer built on the newer contract meets a server still on the older one,
      // and, after it, the messages older servers stored, which the upgraded ones replay.
      impact = `${who} accept everything the newer server sends; ${who.replace('older', 'newer')} may reject what an older server still sends: upgrade servers first${storedNote(stored)}`;
      newerReject = true;
    } else if (delta.tolerantSurvives) {
      level = 'strict';
      impact = rule === 'message-added'
        ? `${who} reject it as unknown-type: tolerant ones skip it, strict ones fail`
        : rule === 'enum-value-added' || rule === 'enum-removed'
          ? `strict ${who} reject the new value; tolerant ones accept it with a notice${!delta.decodedJson && pythonEnumRaises({ rule, direction, before, after } as ChangeInput) ? ', but not the generated Python decoders, whose Enum raises on it' : ''}`
          : rule === 'schema-changed' && delta.opensList !== undefined
            ? `strict ${who} reject the new values; tolerant ones accept them with a notice, as values outside the older closed list${!delta.decodedJson && direction === 'server-to-client' && delta.opensList === 'strings' ? ', but not the generated Python decoders, whose Enum raises on them' : ''}`
            : rule === 'schema-changed'
            ? `strict ${who} reject the new kind of item; tolerant ones skip an unknown message type`
            : rule === 'required-property-added'
              ? // Also a narrowing, the other way round: a newer consumer requires what an older server never sends.
                `strict ${who} reject the unknown field; tolerant ones ignore it; ${who.replace('older', 'newer')} reject what an older server still sends, which lacks it: upgrade servers first${storedNote(stored)}`
              : `strict ${who} reject the unknown field; tolerant ones ignore it`;
    } else {
      level = 'breaking';
      impact = rule === 'enum-value-added' || rule === 'enum-removed'
        // Tolerant mode opens a list to values of the types it lists, that its own `type` admits; a fixed value (`const`) not at all.
        ? `${who} reject the new value${rule === 'enum-removed' ? 's' : ''}, in tolerant mode too, which opens a closed list only to values of the JSON types it holds (and its type admits), and a fixed value (const) not at all`
        : `${who} reject some messages the newer server may send, in tolerant and strict mode${delta.accepts === 'different' ? `; ${who.replace('older', 'newer')} may reject some of what an older server sends${stored ? ', and of what older servers stored (Redis streams, the memory store, journals), which the upgraded servers replay to them until it leaves the store' : ''}` : ''}`;
      newerReject = delta.accepts === 'different';
    }
    if (rule === 'required-property-added' && delta.tolerantSurvives) newerReject = true;
  } else {
    if (delta.accepts === 'same') {
      level = 'compatible';
      impact = sameByList(delta) ? 'the values the closed list admits decide what passes, each added or removed one said by itself' : 'the newer server accepts everything older clients send';
    } else if (delta.accepts === 'more') {
      level = 'compatible';
      impact = 'the newer server accepts everything older clients send; an older server may reject what newer clients send: upgrade servers first';
    } else {
      level = 'breaking';
      impact = 'the newer server rejects some messages older clients send';
    }
  }
  const change: ChangeInput = { rule, level, subject, direction, pointer, ...(before !== undefined && { before }), ...(after !== undefined && { after }), text, impact };
  if (delta.otherLanguages !== undefined) OBJECT_RETYPED.set(change, delta.otherLanguages);
  if (delta.decodedJson) DECODED_JSON.add(change);
  if (delta.opensList === 'strings') OPENED_STRING_LISTS.add(change);
  if (delta.mapValues !== undefined) MAP_VALUES.set(change, delta.mapValues);
  if (delta.fieldTypes !== undefined) FIELD_TYPES.set(change, delta.fieldTypes);
  if (delta.narrowsBuiltType !== undefined) BUILT_TYPE.set(change, delta.narrowsBuiltType);
  if (delta.accepts === 'same') EQUIVALENT.add(change);
  if (newerReject) NEWER_CONSUMERS_REJECT.add(change);
  return change;
}

/**
 * What a change that narrows what the server sends does to the messages older servers stored,
 * for a message they stored or the poll response, made for each request of what the store holds
 * (tDM F5), not a message of a connection's own, `x-audience: "connection"`, which the server
 * sends on each socket and never stores (tDJ F3):
 * upgrading servers first does not spare them. The upgraded servers replay them from the store
 * (a Redis stream, a `MemoryStreamStore` they share, the demo's journal) to consumers built on
 * the newer contract, which reject them (the client's `invalid` event: the message dropped, its
 * cursor passed, the resume still `resumed`) until they leave the store (a tester lost a whale
 * that way, told to upgrade servers first).
 */
/**
 * Whether the part of a document at `pointer` comes from what servers store: the poll response
 * is made for each request by the server that answers it, of the store's messages and cursor;
 * its own envelope (`resume`, a field beside them) is the answering server's, so upgrading
 * servers first spares a change there, which was told to wait for stores to drain (tDX F6).
 * Any other document, and the poll response's root, are taken as stored.
 */
function documentPartStored(title: string, pointer: string): boolean {
  return title !== 'PollResponse' || pointer === '' || /^\/(messages|cursor)(\/|$)/.test(pointer);
}

function storedNote(stored: boolean): string {
  return stored
    ? '; yet newer consumers may also reject what older servers stored (Redis streams, the memory store, journals), which the upgraded servers replay to them until it leaves the store: upgrading servers first does not spare it'
    : '';
}

/**
 * Whether servers store messages of `message`'s type, to replay them: a per-user or global one
 * (`x-audience` `user`, `global`); not one of a connection's own (`connection`: connection, ping,
 * pong, error), which the server sends on each socket itself, never through the stream.
 */
function isStored(message: { audience: string }): boolean {
  return message.audience !== 'connection';
}

/** What a server→client type or direction removed does to consumers built on the newer contract during a rollout. */
const NEWER_MEET_REMOVED = 'newer consumers reject it as unknown-type from an older server that still sends it (tolerant ones skip it, strict ones fail): upgrade servers first';

/** A message type removed whose title another type of the newer contract has: its generated names stay. */
const TITLE_KEPT = new WeakSet<ChangeInput>();

/**
 * The server→client changes after which consumers built on the newer contract may reject some
 * of what an older server sent (`newer-consumers` in {@link Change.breaks}): a
 * narrowing, a required field added, a change that both widens and narrows, a message type removed.
 */
const NEWER_CONSUMERS_REJECT = new WeakSet<ChangeInput>();

/**
 * Whether a type rule that admits the same values does so because both sides are closed lists:
 * their values decide, and the type is reported for the Go and Python types that follow it
 * (`schema-diff`'s text for it starts "closed list's"; `number` beside a whole `multipleOf`
 * made `integer` admits the same values too, without a list).
 */
function sameByList(delta: SchemaDelta): boolean {
  return (delta.rule === 'type-changed' || delta.rule === 'type-widened' || delta.rule === 'type-narrowed') && delta.text.startsWith("closed list's");
}

/**
 * Changes that admit exactly the same values (`accepts: 'same'`): a pattern rewritten to match
 * the same strings (`[-0-9A-Za-z]` for `[0-9A-Za-z-]`), a closed list's type changed where its
 * values do not (`integer` made `number`, for `[1, 2]`), the type of `number` with
 * `multipleOf: 1` made `integer` (its `multipleOf` removed is a change of its own: the
 * validators refuse a number from 1e21 up under it), a closed object's fields made the values of a map that admits the same values, a
 * field of any value (`{}`) added to an open object. For the protocol, a patch at most, as
 * documentation is, never a minor or a major one with a version to bump (a hostile tester; a
 * fixer's finding: a field of any value added read minor). Such a change may still retype the
 * generated code (Go's int64 made float64), which the package's release follows.
 */
const EQUIVALENT = new WeakSet<ChangeInput>();

/** The Go and Python types of a map's values, for a change that makes an object one ({@link SchemaDelta.mapValues}). */
const MAP_VALUES = new WeakMap<ChangeInput, NonNullable<SchemaDelta['mapValues']>>();

/** The Go and Python types of a field made optional or required, where they have a one-word name ({@link SchemaDelta.fieldTypes}). */
const FIELD_TYPES = new WeakMap<ChangeInput, NonNullable<SchemaDelta['fieldTypes']>>();

/**
 * How a field made optional (or required) is retyped, with its own types where the contract
 * names them in a word (`float64 becomes *float64, float becomes Optional[float]`), else with `T`
 * (`a Go T becomes *T, a Python T becomes Optional[T]`): a fixed int64 example read as this
 * field's types whatever they were (a tester: a number field).
 */
function optionalityExample(change: ChangeInput): string {
  const types = FIELD_TYPES.get(change);
  const [go, python, goType, pythonType] = types === undefined ? ['a Go T', 'a Python T', 'T', 'T'] : [types.go, types.python, types.go, types.python];
  const verb = change.rule === 'property-made-optional' ? 'becomes' : 'was';
  return `${go} ${verb} *${goType}, ${python} ${verb} Optional[${pythonType}]`;
}

/** Whether the generated type of what producers build narrows, where the delta says so beside its rule ({@link SchemaDelta.narrowsBuiltType}). */
const BUILT_TYPE = new WeakMap<ChangeInput, boolean>();

/** The changes that make Go and Python type an object as a map or as a struct (class), remove a struct's field, or retype a union, beside what their rule says ({@link SchemaDelta.otherLanguages}). */
const OBJECT_RETYPED = new WeakMap<ChangeInput, NonNullable<SchemaDelta['otherLanguages']>>();

function messageFact(rule: RuleId, subject: string, direction: Direction | null, level: Level, text: string, impact: string, before?: unknown, after?: unknown): ChangeInput {
  return { rule, level, subject, direction, pointer: '', ...(before !== undefined && { before }), ...(after !== undefined && { after }), text, impact };
}

function fact(rule: RuleId, pointer: string, level: Level, text: string, impact: string, before?: unknown, after?: unknown): ChangeInput {
  return { rule, level, subject: null, direction: null, pointer, ...(before !== undefined && { before }), ...(after !== undefined && { after }), text, impact };
}

/**
 * Protocol facts whose generated constant goes away (a close or error code removed: its key of
 * `CloseCode` / `ErrorCode`, `CLOSE_CODES` / `ERROR_CODES`, in the package's main entry; or its
 * `name` changed: the key of `CloseCode` / `ErrorCode`): `importing-code`, a major release, as a
 * type renamed or removed is, whatever the wire does. A name changed alone is `compatible` and
 * calls for no protocol version (it is in {@link EQUIVALENT}).
 */
const CONSTANT_GONE = new WeakSet<ChangeInput>();

/** Keywords of protocol.json read into the model; any other `x-` fact is compared as a whole. */
const MODELLED_FACTS = new Set(['x-version', 'x-connection', 'x-keepalive', 'x-polling', 'x-close-codes', 'x-error-codes', 'x-version-history']);

function diffProtocol(before: Contract, after: Contract): ChangeInput[] {
  const changes: ChangeInput[] = [];
  const a = before.protocol;
  const b = after.protocol;
  if (a.version !== b.version) changes.push(fact('protocol-version-changed', '/x-version', 'compatible', `protocol version ${a.version} → ${b.version}`, 'informational', a.version, b.version));
  if (a.connection.path !== b.connection.path) {
    changes.push(fact('connection-path-changed', '/x-connection/path', 'breaking', `WebSocket path changed from ${a.connection.path} to ${b.connection.path}`, 'older clients connect to the old path', a.connection.path, b.connection.path));
  }
  if (a.connection.url !== b.connection.url || a.connection.authentication !== b.connection.authentication) {
    changes.push(fact('connection-notes-changed', '/x-connection', 'compatible', 'connection URL example or authentication notes changed', 'documentation: review the text'));
  }
  const ping = [a.keepalive.pingIntervalMs, b.keepalive.pingIntervalMs] as const;
  if (ping[0] !== ping[1]) {
    const longer = ping[1] > ping[0];
    changes.push(fact('ping-interval-changed', '/x-keepalive/pingIntervalMs', longer ? 'breaking' : 'compatible', `ping interval changed from ${ping[0]} ms to ${ping[1]} ms`,
      longer ? 'older clients that expect a ping within the old interval think the connection dead and reconnect' : 'older clients get pings more often than they need', ping[0], ping[1]));
  }
  const pong = [a.keepalive.pongTimeoutMs, b.keepalive.pongTimeoutMs] as const;
  if (pong[0] !== pong[1]) {
    const shorter = pong[1] < pong[0];
    changes.push(fact('pong-timeout-changed', '/x-keepalive/pongTimeoutMs', shorter ? 'breaking' : 'compatible', `pong timeout changed from ${pong[0]} ms to ${pong[1]} ms`,
      shorter ? 'older clients that answer within the old timeout may be closed with 4408' : 'older clients have more time to answer', pong[0], pong[1]));
  }
  const pollA = a.polling as typeof a.polling | undefined;
  const pollB = b.polling as typeof b.polling | undefined;
  if (pollA && pollB) {
    if (pollA.path !== pollB.path) changes.push(fact('poll-path-changed', '/x-polling/path', 'breaking', `polling path changed from ${pollA.path} to ${pollB.path}`, 'older clients poll the old path', pollA.path, pollB.path));
    if (pollA.holdMs !== pollB.holdMs) {
      const longer = pollB.holdMs > pollA.holdMs;
      changes.push(fact('poll-hold-changed', '/x-polling/holdMs', longer ? 'breaking' : 'compatible', `long-poll hold changed from ${pollA.holdMs} ms to ${pollB.holdMs} ms`,
        longer ? 'older clients whose request timeout fits the old hold give up before the server answers' : 'older clients get answers sooner', pollA.holdMs, pollB.holdMs));
    }
    if (pollA.maxMessages !== pollB.maxMessages) {
      changes.push(fact('poll-max-messages-changed', '/x-polling/maxMessages', 'compatible', `messages per poll response changed from ${pollA.maxMessages} to ${pollB.maxMessages}`, 'clients poll again at once when a response is full', pollA.maxMessages, pollB.maxMessages));
    }
  } else if (pollA && !pollB) {
    changes.push(fact('protocol-fact-removed', '/x-polling', 'breaking', 'polling fallback removed', 'older clients that fall back to polling fail', pollA, undefined));
  } else if (!pollA && pollB) {
    changes.push(fact('protocol-fact-added', '/x-polling', 'compatible', 'polling fallback declared', 'older clients do not use it', undefined, pollB));
  }

  const closeA = new Map((a.closeCodes ?? []).map((c) => [c.code, c]));
  const closeB = new Map((b.closeCodes ?? []).map((c) => [c.code, c]));
  for (const [code, entry] of closeB) {
    const old = closeA.get(code);
    if (!old) changes.push(fact('close-code-added', '/x-close-codes', 'compatible', `close code ${code} (${entry.name}) added, reconnect: ${entry.reconnect}`, 'older clients treat it like any unknown code', undefined, entry));
    else if (old.reconnect !== entry.reconnect) {
      const renamed = old.name !== entry.name;
      const changed = fact('close-code-changed', '/x-close-codes', 'breaking', `close code ${code} changed from ${old.name} (reconnect: ${old.reconnect}) to ${entry.name} (reconnect: ${entry.reconnect})`, `older clients follow the old reconnect advice${renamed ? `; code using the generated CloseCode.${old.name} constant no longer compiles` : ''}`, old, entry);
      if (renamed) CONSTANT_GONE.add(changed);
      changes.push(changed);
    } else if (old.name !== entry.name) {
      // Its name alone: a key of the generated CloseCode, no frame nor advice changes (tHV F3: it was breaking, "older clients follow the old reconnect advice").
      const renamed = fact('close-code-changed', '/x-close-codes', 'compatible', `close code ${code} renamed from ${old.name} to ${entry.name}, reconnect: ${entry.reconnect} as before`, `the wire and the advice are the same; code using the generated CloseCode.${old.name} constant no longer compiles: a major release`, old, entry);
      CONSTANT_GONE.add(renamed);
      EQUIVALENT.add(renamed);
      changes.push(renamed);
    }
  }
  for (const [code, old] of closeA) {
    if (closeB.has(code)) continue;
    // Its generated constant goes with it: CloseCode.NormalClosure, CLOSE_CODES[1000] (tHV F1).
    const removed = fact('close-code-removed', '/x-close-codes', 'compatible', `close code ${code} (${old.name}) removed`, `the newer server no longer closes with it; older clients keep handling it; code using the generated CloseCode.${old.name} constant (or CLOSE_CODES[${code}]) no longer compiles: a major release`, old, undefined);
    CONSTANT_GONE.add(removed);
    changes.push(removed);
  }
  const errorA = new Map((a.errorCodes ?? []).map((c) => [c.code, c]));
  const errorB = new Map((b.errorCodes ?? []).map((c) => [c.code, c]));
  for (const [code, entry] of errorB) {
    const old = errorA.get(code);
    if (!old) changes.push(fact('error-code-added', '/x-error-codes', 'compatible', `error code ${code} added`, '`error.data.code` is an open string: older consumers show it as unknown', undefined, entry));
    else if (old.name !== entry.name) {
      // A key of the generated ErrorCode: no frame changes (tHV F3: it was breaking, older-peers).
      const renamed = fact('error-code-changed', '/x-error-codes', 'compatible', `error code ${code} renamed from ${old.name} to ${entry.name}`, `the wire is the same; code using the generated ErrorCode.${old.name} constant no longer compiles: a major release`, old, entry);
      CONSTANT_GONE.add(renamed);
      EQUIVALENT.add(renamed);
      changes.push(renamed);
    }
  }
  for (const [code, old] of errorA) {
    if (errorB.has(code)) continue;
    // Its generated constant goes with it: ErrorCode.InternalError, ERROR_CODES.INTERNAL_ERROR (tHV F1).
    const removed = fact('error-code-removed', '/x-error-codes', 'compatible', `error code ${code} removed`, `the newer server no longer sends it; code using the generated ErrorCode.${old.name} constant (or ERROR_CODES.${code}) no longer compiles: a major release`, old, undefined);
    CONSTANT_GONE.add(removed);
    changes.push(removed);
  }

  const keys = new Set([...Object.keys(before.protocolSchema), ...Object.keys(after.protocolSchema)].filter((k) => k.startsWith('x-') && !MODELLED_FACTS.has(k)));
  for (const key of [...keys].sort()) {
    const x = before.protocolSchema[key];
    const y = after.protocolSchema[key];
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    if (x === undefined) changes.push(fact('protocol-fact-added', `/${key}`, 'compatible', `protocol fact ${key} declared`, 'older peers do not know it', undefined, y));
    else if (y === undefined) changes.push(fact('protocol-fact-removed', `/${key}`, 'breaking', `protocol fact ${key} removed`, 'older peers may rely on it', x, undefined));
    else changes.push(fact('protocol-fact-changed', `/${key}`, 'breaking', `protocol fact ${key} changed`, 'older peers may rely on the old value', x, y));
  }
  return changes;
}

/** "1.1" + minor → "1.2"; + major → "2.0"; otherwise unchanged. */
export function suggestVersion(version: string, bump: Bump): string {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  if (bump === 'major') return `${major + 1}.0`;
  if (bump === 'minor') return `${major}.${minor + 1}`;
  return version;
}

/** Compares dotted versions numerically: negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const pb = b.split('.').map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}


export type { SchemaDelta, SchemaNode };
