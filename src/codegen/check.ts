import { describeCompiledErrors } from '../runtime/errors.js';
import { escapeToken, resolvePointer } from '../runtime/json-pointer.js';
import type { CompiledValidatorError } from '../../generated/validators.js';
import { Ajv } from 'ajv';
import { formats } from '../runtime/formats.js';
import { withJsonEquality } from '../shared/json-equal.js';
import { AS_A_REQUEST_NAMES_IT, endpointOf, unservablePath } from '../shared/request-url.js';
import { operationName, POLL_OPERATION, REFUSAL_MESSAGE } from './asyncapi.js';
import { MAX_TIMER_MS } from '../shared/options.js';
import { CLIENT_MAX_TIMER_MS, POLL_TIMEOUT_MARGIN_MS } from '../shared/client-timers.js';
import { NameClashError, shapeForQuicktype } from './language-shape.js';
import { checkInvisibleText } from './invisible.js';
import { checkTypeBoxSupport } from './typebox.js';
import { checkNoRefCycle, followRefs, forEachSubschema, inlinedSchemaCount, linkPath, SCHEMA_BASE_URI, SchemaError, sourceOf, type Contract, type DocumentSchema, type MessageSchema, type SchemaNode } from '../contract/index.js';

/**
 * What `generate` needs of a contract beyond what makes it a contract (the loader's checks,
 * which `diff` shares, so that it reads any contract): a `format` the validators implement,
 * on strings, no `const` beside an `enum`, closed lists of one JSON type, the same error codes in protocol.json and error.json, message types that differ in more than case and punctuation, none named in asyncapi.json as the poll is (`sendPollResponse`, `PollResponse`, `PollRefusal`), keepalive figures in the ping and pong descriptions that are x-keepalive's, requests (`GET <path>`) in descriptions of protocol.json's paths (a trailing slash more or less, as the server compares them), no invisible or control character in text the generated code and docs carry as it is ({@link checkInvisibleText}), names
 * every generator can carry ({@link checkLanguageSupport} included), a poll response that can
 * carry the stream, a client→server direction only on the types the reference server receives (ping, pong), no recursive schema, no message larger than {@link MAX_INLINED_SCHEMAS} schema objects once its `$ref`s are inlined, and only what the TypeBox generator can express
 * (`checkTypeBoxSupport`). Each fault is refused with its file and JSON Pointer before any
 * generator runs; `diff` runs the same checks to warn that generate would refuse a side.
 *
 * @throws SchemaError
 */
export function checkGeneratable(contract: Contract): void {
  checkFormats(contract.files);
  checkBounds(contract.files);
  checkInvisibleText(contract.files);
  checkNames(contract.files);
  checkMessageTypes(contract.messages);
  checkPollNames(contract);
  checkPollMessages(contract.messages, contract.documents, contract.files);
  checkStreamCursors(contract.messages, contract.files);
  checkClientMessages(contract.messages);
  checkProtocolFactKeys(contract.protocolSchema);
  checkErrorCodes(contract);
  checkKeepaliveFigures(contract);
  checkPollingPath(contract);
  checkRequestPaths(contract);
  checkPollingFigures(contract);
  checkDefaults(contract.files);
  // A recursive schema (a tree of itself): the validators inline every $ref (a hostile tester's
  // tree passed diff in silence and stopped generate with neither place nor reason).
  for (const { file, schema } of contract.messages) checkNoRefCycle(contract.files, file, schema);
  // Shared definitions each referring twice to the next: inlined, 2^n copies (a tester's chain of
  // 12 kept generate busy past 2 minutes, without a word).
  for (const { file, schema } of contract.messages) checkInlinedSize(contract.files, file, schema);
  checkLanguageSupport(contract);
  checkTypeBoxSupport(contract);
}

/**
 * The most schema objects (each subschema one, a `$ref` counted as what it inlines) a message
 * may hold once every `$ref` is inlined, as the validators compile it (README "What stops
 * generation"). The largest shipped message, decisions, holds 34; a chain of 8 definitions
 * each referring twice to the next holds about 770 and took generate 20 s.
 */
export const MAX_INLINED_SCHEMAS = 1000;

/**
 * Refuses a message whose inlined form (see {@link MAX_INLINED_SCHEMAS}) is too large, naming what makes it so: what the
 * copies of `$ref` targets add when they cross the bound (without them the message is within it) or make most of it, the
 * target whose copies add the most (how many times it is inlined, how many `$ref`s lead to it, the chain of `$ref`s to it)
 * and, when it holds more than the copies add or without them the message is still over, the message's widest place (when
 * the copies multiply along a chain, each link's `$ref`s and their product; when they are the copies of a definition that
 * holds it, each `$ref` to that one inlining one, that definition); where to refer from fewer places, at most how many
 * (each `$ref` fewer taking what one copy holds, times the copies of the place holding it), or, when all of them removed
 * would not bring it within the bound, what it would still hold and what else must change; or else (the message past the bound with each target counted once: one
 * object of 1,000 properties, a tester) the place with the most subschemas under one keyword (an object's properties, an
 * anyOf's branches, patternProperties, …), when without it the message might be within the bound; when not, how many
 * `$ref` targets the message spans and the chain of `$ref`s whose targets hold the most of it (110 definitions each a
 * property's `$ref` to the next) when without that chain it might be within the bound, else how many objects are written
 * in the message itself and how many the heaviest chain holds (advised split, not shortened).
 */
function checkInlinedSize(files: ReadonlyMap<string, SchemaNode>, file: string, schema: SchemaNode): void {
  const { count, chain, copied, distinct, widest, spread } = inlinedSchemaCount(files, file, schema);
  if (count <= MAX_INLINED_SCHEMAS) return;
  const size = `with every $ref inlined (as the validators are compiled) this message would hold ${count.toLocaleString('en-US')} schema objects, more than the bound of ${MAX_INLINED_SCHEMAS.toLocaleString('en-US')}`;
  const copies = count - distinct;
  // The message is that wide itself only when, each target counted once, it is past the bound: copies of a definition of
  // 600 properties referred to twice (613 objects without them) were said to add "only 604", the width blamed (tCO F1).
  const copiedWords = copies === 0 ? 'no $ref target is copied' : `copies of $ref targets add only ${copies.toLocaleString('en-US')}`;
  // Wide only when a place holds enough that, without it, the message might be within the bound: a chain of 110 definitions
  // of 10 properties each was told "that wide itself" and to give one of them fewer properties (tCV F11).
  if (distinct > MAX_INLINED_SCHEMAS && copies <= distinct && (widest === undefined || distinct - widest.subschemas > MAX_INLINED_SCHEMAS)) {
    const place = widest === undefined ? '' : ` (its widest ${widest.keyword === 'properties' ? `object, ${widest.at}, has only ${widest.subschemas.toLocaleString('en-US')} properties` : `place, ${widest.at}, holds only ${widest.subschemas.toLocaleString('en-US')} subschemas in its ${widest.keyword}`})`;
    // The chain is advised shortened only when, without it, the message might be within the bound: a message of 1,115 objects
    // written in it was told of a chain of 3 small definitions holding 6, "or shorten the chain" (tCZ F6).
    const shortens = spread.chain.length > 1 && count - spread.inlined <= MAX_INLINED_SCHEMAS;
    const chained = shortens
      ? `; the chain of $refs ${linkPath(spread.chain)}, ${spread.chain.length.toLocaleString('en-US')} deep (each target inside the one before), holds ${spread.objects.toLocaleString('en-US')} of them`
      : `, ${spread.own.toLocaleString('en-US')} of them written in the message itself (not through a $ref)${spread.chain.length > 1 ? `; the most any chain of $refs holds is ${spread.objects.toLocaleString('en-US')} (${linkPath(spread.chain)}): without its targets the message would still hold ${(count - spread.inlined).toLocaleString('en-US')}` : ''}`;
    throw new SchemaError(file, '', `${size}: ${copiedWords}: the message is that large itself, and no one place in it is wide${place}: it holds ${distinct.toLocaleString('en-US')} schema objects across ${spread.targets.toLocaleString('en-US')} $ref target${spread.targets === 1 ? '' : 's'}${chained}. Split the message into several${shortens ? ', or shorten the chain' : ''}`);
  }
  if (distinct > MAX_INLINED_SCHEMAS && copies <= distinct && widest !== undefined) {
    const many = widest.subschemas.toLocaleString('en-US');
    const what = widest.keyword === 'properties'
      ? `its widest object, ${widest.at}, has ${many} properties (each a schema object). Give it fewer properties (split the message into several)`
      : `its widest place, ${widest.at}, holds ${many} subschemas in its ${widest.keyword} (each a schema object). ${WIDE_ADVICE[widest.keyword] ?? 'Give it fewer (split the message into several)'}`;
    throw new SchemaError(file, '', `${size}: ${copiedWords}: the message is that wide itself; ${what}`);
  }
  const n = (value: number) => value.toLocaleString('en-US');
  // Over the bound without the copies too, that said, and the widest place named with them: the copies of 31 $refs were
  // most of a message whose object of 991 properties kept it at 1,013 without them, told only "Refer to it from fewer
  // places", a second refusal after that was followed (tDB F3b).
  const within = distinct <= MAX_INLINED_SCHEMAS ? ` (without them it would hold ${n(distinct)}, within the bound)` : ` (without them it would still hold ${n(distinct)}, over the bound)`;
  // The definition whose copies add the most, not the largest $ref target: one referred to once, never copied, was named
  // "the largest part" of a message tipped over the bound by another's copies (tCQ F4).
  const most = copied === undefined
    ? ''
    : `; the copies of ${copied.at} add the most, ${n(copied.adds)} (${n(copied.own)} schema object${copied.own === 1 ? '' : 's'} of its own, inlined ${n(copied.inlined)} times: ${n(copied.refs)} $ref${copied.refs === 1 ? ' leads' : 's lead'} to it${chain.length > 1 ? `, through the chain of $refs ${linkPath(chain)}` : ''})`;
  // And the message's own width, when its widest place holds more than all the copies add, or without them it is still over.
  const wide = widest !== undefined && (widest.subschemas >= copies || distinct > MAX_INLINED_SCHEMAS)
    ? `; the message is wide itself: its widest ${widest.keyword === 'properties' ? `object, ${widest.at}, has ${n(widest.subschemas)} properties` : `place, ${widest.at}, holds ${n(widest.subschemas)} subschemas in its ${widest.keyword}`}`
    : '';
  // How many $refs fewer at one place bring the message within the bound, each taking `each` schema objects away; or, when
  // all of them would not, what the message would still hold (tDB F3: "Refer to fewer copies" named no place and no number).
  const excess = count - MAX_INLINED_SCHEMAS;
  const cut = (what: string, refs: number, each: number): { text: string; enough: boolean; takes: number } => {
    const fewer = each === 0 ? Infinity : Math.ceil(excess / each);
    const plural = (many: number) => `${n(many)} place${many === 1 ? '' : 's'}`;
    return fewer <= refs
      ? { text: `${what} from ${refs - fewer === 0 ? 'no place' : `at most ${plural(refs - fewer)}`} (now ${plural(refs)}; each $ref fewer there takes ${n(each)} schema objects away: ${n(fewer)} fewer bring${fewer === 1 ? 's' : ''} the message to ${n(count - fewer * each)})`, enough: true, takes: fewer * each }
      : { text: `${what} from fewer places (now ${plural(refs)}; each $ref fewer there takes ${n(each)} schema objects away, all ${n(refs)} only ${n(refs * each)}: it would still hold ${n(count - refs * each)})`, enough: false, takes: refs * each };
  };
  // At most two places advised (the first and the last that alone bring it within the bound), else the one taking the most away.
  const advise = (all: { text: string; enough: boolean; takes: number }[]): string => {
    const sufficient = all.filter((one) => one.enough);
    const cuts = sufficient.length > 0
      ? (sufficient.length <= 2 ? sufficient : [sufficient[0], sufficient.at(-1)].flatMap((one) => (one === undefined ? [] : [one])))
      : [...all].sort((a, b) => b.takes - a.takes).slice(0, 1);
    const joined = cuts.map((one) => one.text).join(', or ');
    const text = `${joined.charAt(0).toUpperCase()}${joined.slice(1)}`;
    const enough = cuts.some((one) => one.enough);
    if (enough) return `${text}${wide === '' ? '' : ', or give the wide place fewer'}`;
    return `${text}; that alone cannot bring it within the bound: ${wide === '' ? 'split the message into several' : 'give the wide place fewer too (or split the message into several)'}`;
  };
  const label = (key: string) => (key === '' ? 'the message' : key);
  // A chain doubles the copies only when they multiply along it: one referred to twice from the message was told to "flatten
  // the chain", with none (tCV F7), and so was one held once by a definition referred to 3 times (tCZ F7): the $refs to that
  // one make the copies, and it is the one to refer to from fewer places. Where they do multiply, each link's $refs are told
  // and how many fewer at which link bring the message within the bound: flattening the chain changes no count (tDB F3).
  const sources = copied?.sources;
  const holders = sources?.filter((source) => source.at !== copied?.at) ?? [];
  const direct = sources?.find((source) => source.at === copied?.at);
  let why: string;
  if (copied === undefined) {
    why = 'no $ref target is copied. Split the message into several';
  } else if (sources !== undefined && holders.length === 0) {
    const refs = direct?.refs ?? copied.refs;
    why = `each $ref to it inlines one copy (no place that refers to it is copied in turn: no chain multiplies them). ${advise([cut(`refer to it${direct !== undefined && direct.others > 0 ? ' (from places not copied)' : ''}`, refs, direct?.size ?? copied.own)])}`;
  } else if (sources !== undefined) {
    const all = [...holders, ...(direct === undefined ? [] : [direct])];
    why = `each copy of ${holders.map((holder) => holder.at).join(' and of ')} holds one of ${copied.at}, and each of the ${all.map((source) => `${n(source.refs)} $ref${source.refs === 1 ? '' : 's'} to ${source.at}${source.others === 0 ? '' : source.refs === 1 ? ' from a place not copied' : ' from places not copied'}`).join(' and the ')} inlines one copy of it (no copied place reaches it by more than one path: no chain multiplies them). ${advise(all.map((source) => cut(`refer to ${source.at}${source.others === 0 ? '' : ' (from places not copied)'}`, source.refs, source.size)))}`;
  } else {
    // Links of one $ref (the message's to its data's definition) multiply nothing: not told, nor advised removed.
    const links = copied.links.filter((link) => link.refs > 1);
    const product = links.reduce((sum, link) => sum * link.refs, 1);
    const along = links.map((link) => `${link.inlined === 1 ? label(link.from) : `each of the ${n(link.inlined)} copies of ${link.from}`} holds ${n(link.refs)} $refs to ${link.to}`).join(', ');
    const copiesOf = product === copied.inlined ? `${n(product)} copies` : `${n(product)} of its ${n(copied.inlined)} copies, the others through other places`;
    const factors = links.length <= 4 ? links.map((link) => n(link.refs)).join(' × ') : `${n(links[0]?.refs ?? 0)} × ${n(links[1]?.refs ?? 0)} × … × ${n(links.at(-1)?.refs ?? 0)}, ${n(links.length)} factors`;
    const told = links.length <= 4 ? along : `${links.length} links of it hold more than one $ref to the next, the first: ${along.split(', ')[0]}, …, the last: ${along.split(', ').at(-1)}`;
    const all = links.map((link) => cut(`refer to ${link.to} in ${label(link.from)}`, link.refs, link.inlined * link.size));
    why = `its copies multiply along that chain: ${told} (${factors} = ${copiesOf}). ${advise(all)}`;
  }
  throw new SchemaError(file, '', `${size}: copies of $ref targets add ${n(copies)} of them${within}${most}${wide}; ${why}`);
}

/** What to do of a place wide through a keyword other than `properties` ({@link checkInlinedSize}). */
const WIDE_ADVICE: Readonly<Record<string, string>> = {
  anyOf: 'Give it fewer branches (a choice among values is one enum; or split the message into several)',
  oneOf: 'Give it fewer branches (a choice among values is one enum; or split the message into several)',
  allOf: 'Give it fewer branches (join them into one schema)',
  patternProperties: 'Give it fewer patterns (one pattern can match many names: ^x[0-9]+$)',
  items: 'Give it fewer items (split the message into several)',
  dependencies: 'Give it fewer dependencies (split the message into several)',
};

/**
 * PascalCase names the generated code and the package root export beside the contract's own
 * types: a definition of one of these names declared it twice (`Duplicate identifier
 * 'ServerMessage'`, written without a word; a hostile tester). A definition named `Received<X>`
 * where `X` is a definition clashes with the received twin of `X` the same way.
 * test/codegen/names.test.ts keeps this list equal to what the generated files and
 * src/index.ts export.
 */
export const RESERVED_TYPE_NAMES: readonly string[] = [
  // generated/types.ts
  'ClientMessage', 'ConnectionScopedMessage', 'EnvelopeMessageType', 'GlobalMessage', 'GlobalMessageType', 'Message', 'MessageDataMap', 'MessageMap', 'MessageType', 'ServerMessage', 'StreamMessage', 'UserMessage', 'UserMessageType',
  // generated/received-types.ts
  'ReceivedClientMessage', 'ReceivedMessage', 'ReceivedMessageDataMap', 'ReceivedMessageMap', 'ReceivedServerMessage',
  // generated/typebox.ts, generated/contract.ts
  'Audience', 'CloseCode', 'CloseCodeInfo', 'Delivery', 'Direction', 'ErrorCode', 'MessageSchemas', 'TOpen',
  // src/index.ts
  'BuildOptions', 'CreateMessageOptions', 'Frame', 'MessageValidationError', 'RejectionReason', 'ValidationError', 'ValidationErrors', 'ValidationFailure', 'ValidationMode', 'ValidationNotice', 'ValidationOptions', 'ValidationResult', 'ValidationSuccess',
];

/**
 * Names the generated modules import, declare or reserve for themselves, beside the types they
 * export: a definition of the same name does not compile (`Static` in typebox.ts) or is renamed
 * by quicktype, then refused without a word of why (`Optional`, `None` in Python; hostile
 * testers). test/codegen/names.test.ts keeps it holding what the modules import and every
 * type name quicktype's Python renderer forbids.
 */
export const IMPORTED_TYPE_NAMES: readonly string[] = [
  // generated/typebox.ts, from @sinclair/typebox (the interface it declares, TOpen, it exports: reserved above)
  'Evaluate', 'FormatRegistry', 'Static', 'TObject', 'TSchema', 'TUnsafe', 'Type',
  // generated/languages/python: from enum and typing, and its type variables
  'Any', 'Callable', 'Dict', 'Enum', 'EnumT', 'List', 'Optional', 'T', 'TypeVar',
  // Python's keywords and typing's names that quicktype gives no type (it renames the type)
  'False', 'Iterable', 'None', 'True', 'Union',
];

/** Whether `node` admits two JSON types or more besides null, by its `type` list or by `anyOf` / `oneOf` branches of plain types: a union, which Go declares as a struct. */
function isTypeUnion(node: SchemaNode): boolean {
  const branches = node.anyOf ?? node.oneOf;
  const types = branches === undefined
    ? [node.type ?? []].flat()
    : branches.every((branch) => branch.$ref === undefined && branch.properties === undefined && typeof branch.type === 'string' && branch.type !== 'object') ? branches.map((branch) => branch.type) : [];
  return new Set(types.filter((type) => type !== 'null')).size > 1;
}

/**
 * Names every generator can carry as they are:
 *  - a definition's name (its key, and the title of an object, closed list or union below it) is PascalCase:
 *    letters and digits, a capital first. It is a type's name in TypeScript, Go and Python;
 *    `Trade_Data`, `Trade Data` or `class` failed in quicktype or prettier with neither file nor
 *    place. It is none of {@link RESERVED_TYPE_NAMES}.
 *  - a property is not named after a member of every JavaScript object (`constructor`,
 *    `toString`, `__proto__`): a validator reading `data.constructor` finds it on any object.
 *  - two properties of one object, or two values of one closed list, do not differ only in case
 *    or punctuation (`side`, `Side`; `"buy"`, `"Buy"`): Go and Python gave both one name, and
 *    one of them silently took the other's.
 *  - a definition is a schema object: one whose schema is `true` is told to write `{}`, one whose
 *    schema is `false` to leave it out (after the checks of its name above).
 */
function checkNames(files: ReadonlyMap<string, SchemaNode>): void {
  // Every type's name: definitions' keys and every title (a file's, a nested schema's), each of which has a received twin.
  const typeNames = new Set<string>();
  for (const schema of files.values()) {
    forEachSubschema(schema, (node, _pointer, slot) => {
      if (slot?.keyword === 'definitions') typeNames.add(String(slot.key));
      if (typeof node.title === 'string') typeNames.add(node.title);
    });
  }
  const typeName = (name: string, file: string, pointer: string, what: string) => {
    const clash = RESERVED_TYPE_NAMES.includes(name) || IMPORTED_TYPE_NAMES.includes(name) || (name.startsWith('Received') && typeNames.has(name.slice('Received'.length)));
    if (/^[A-Z][A-Za-z0-9]*$/.test(name) && !clash) return;
    throw new SchemaError(
      file,
      pointer,
      clash
        ? `expected ${what} the generated code does not use already, got ${JSON.stringify(name)}, which is ${RESERVED_TYPE_NAMES.includes(name) ? 'a type the generated code or the package exports' : IMPORTED_TYPE_NAMES.includes(name) ? 'a name the generated TypeBox or Python module imports or reserves (Python: None, True, False, typing\'s Union, …)' : `the received twin of ${name.slice('Received'.length)}`}`
        : `expected ${what} in PascalCase (letters and digits, a capital first: a type's name in TypeScript, Go and Python), got ${JSON.stringify(name)}`,
    );
  };
  for (const [file, schema] of files) {
    forEachSubschema(schema, (node, pointer, slot) => {
      if (slot?.keyword === 'definitions') typeName(String(slot.key), file, pointer, 'a definition name');
      // A title names a type where the schema is one (an object, a closed list, a union of JSON
      // types: Go's struct); elsewhere it is a label (`"Price in quote currency"`).
      else if (typeof node.title === 'string' && pointer !== '' && (node.properties !== undefined || node.enum !== undefined || node.type === 'object' || isTypeUnion(node))) typeName(node.title, file, `${pointer}/title`, 'a title');
      // A definition whose schema is `true` or `false` is no subschema the walk visits: it went
      // through no check of a definition, and generate wrote a type ServerMessage or Static beside
      // the one the code exports or imports, which did not compile (a tester, tDP F11).
      for (const [name, definition] of Object.entries(node.definitions ?? {})) {
        if (typeof definition !== 'boolean') continue;
        const at = `${pointer}/definitions/${escapeToken(name)}`;
        typeName(name, file, at, 'a definition name');
        throw new SchemaError(
          file,
          at,
          definition
            ? 'expected a schema object, got true, which the generators do not read as a definition: write {} (any value), the same schema'
            : 'expected a schema some value satisfies, got false, which the Go and Python types cannot carry: leave the definition out, and every $ref to it',
        );
      }
      const seen = new Map<string, string>();
      for (const key of Object.keys(node.properties ?? {})) {
        const at = `${pointer}/properties/${escapeToken(key)}`;
        if (key in Object.prototype) throw new SchemaError(file, at, `expected a property name that is not a member of every JavaScript object, got ${JSON.stringify(key)} (Object.prototype.${key}): a validator would find it on a message without it`);
        // Read as a reference by tools that resolve `$ref` wherever it stands (the AsyncAPI parser stopped on asyncapi.json: a hostile tester).
        if (key === '$ref') throw new SchemaError(file, at, 'expected a property name other than "$ref", which tools that resolve references read as one wherever it stands (the AsyncAPI parser among them)');
        const folded = fold(key);
        const other = seen.get(folded);
        if (other !== undefined) throw new SchemaError(file, at, `expected property names that differ in more than case and punctuation, got ${JSON.stringify(key)} beside ${JSON.stringify(other)}: Go and Python name one after the other, so adding one renames the other's field`);
        seen.set(folded, key);
      }
      // The same for the values of a closed list: each is a Go constant's and a Python member's name.
      const values = new Map<string, string>();
      (Array.isArray(node.enum) ? node.enum : []).forEach((value: unknown, index: number) => {
        if (typeof value !== 'string') return;
        const folded = fold(value);
        const other = values.get(folded);
        if (other !== undefined) throw new SchemaError(file, `${pointer}/enum/${index}`, `expected values of a closed list that differ in more than case and punctuation, got ${JSON.stringify(value)} beside ${JSON.stringify(other)}: Go and Python name one after the other, so adding one renames the other's constant`);
        values.set(folded, value);
      });
    });
  }
}

/**
 * Two message types that differ only in case or punctuation (`ai_tasks` beside `aiTasks`,
 * `ai-tasks` or `ai.tasks`): the generated code names each after its type, and those names
 * coincide (the validators' export `message_ai_tasks`, the AsyncAPI operation `sendAiTasks`, Go's
 * and Python's types), so one stood for the other: the AsyncAPI document lost ai_tasks' operation in
 * silence, and generate blamed ai_tasks.json's untouched example, checked with the other type's
 * validator (tBK F6).
 *
 * @throws SchemaError at the later file's `/properties/type/const`, naming both types and files
 */
function checkMessageTypes(messages: readonly MessageSchema[]): void {
  const seen = new Map<string, MessageSchema>();
  for (const message of messages) {
    const folded = fold(message.type);
    const other = seen.get(folded);
    if (other !== undefined) {
      throw new SchemaError(
        message.file,
        '/properties/type/const',
        `expected a message type that differs from the others in more than case and punctuation, got ${JSON.stringify(message.type)} beside ${JSON.stringify(other.type)} (${other.file}): ` +
          'the generated code names each type after it (the validators\' message_… export, the AsyncAPI operation, the Go and Python names), and both would take one name, so one would stand for the other; rename one of them',
      );
    }
    seen.set(folded, message);
  }
}

/**
 * A message type whose name in asyncapi.json is one the poll takes: its operation
 * `sendPollResponse` (a server→client `poll_response`, `pollResponse`, `poll-response`), or its
 * key under `components.messages` (`PollResponse`, the poll's answer, or `PollRefusal`). The poll's
 * replaced it in silence: the stream channel listed `poll_response` and no operation sent it,
 * as with two types of one name (tCC F11).
 *
 * @throws SchemaError at the message's `/properties/type/const`, naming the name both would take
 */
function checkPollNames(contract: Contract): void {
  const poll = contract.documents.find((document) => document.title === 'PollResponse');
  if (poll === undefined) return;
  for (const message of contract.messages) {
    const taken = message.directions.includes('server-to-client') && operationName('send', message.type) === POLL_OPERATION
      ? `its operation would be ${POLL_OPERATION}, the poll's (GET <x-polling.path>) in asyncapi.json`
      : message.type === poll.title || message.type === REFUSAL_MESSAGE
        ? `its message would be components.messages.${message.type}, the poll's ${message.type === poll.title ? 'answer' : 'refusal'} in asyncapi.json`
        : undefined;
    if (taken === undefined) continue;
    throw new SchemaError(
      message.file,
      '/properties/type/const',
      `expected a message type whose name in asyncapi.json is not one the poll takes, got ${JSON.stringify(message.type)}: ${taken}, so one would stand for the other and the document would lose this type's in silence; rename it`,
    );
  }
}

/** A name as Go and Python may both spell it: lower case, letters and digits only (`Side`, `side!` → `side`). */
function fold(name: string): string {
  // Python reads identifiers in NFKC (`ｘ` is `x`, `ﬁ` is `fi`: its module refused to import), and
  // upper case makes `ß` `SS`, as a Python constant's name does (hostile testers).
  const folded = name.normalize('NFKC').toUpperCase().toLowerCase().replace(/[^\p{L}\p{Nd}]/gu, '');
  // quicktype names what starts with a digit `the…`: `1` is `THE_1`, beside a `the_1` renamed.
  return /^\p{Nd}/u.test(folded) ? `the${folded}` : folded;
}

/** The `format` values the generated validators implement (src/runtime/formats.ts). */
export const KNOWN_FORMATS: readonly string[] = ['date-time'];

/**
 * Every `format` is one the validators implement: ajv refuses another in strict mode, with
 * neither file nor place ("unknown format "date" ignored in schema at path …"), and a format
 * the validators skipped would be a check the contract promises and nobody makes. A format
 * stands only where strings may, a `const` never beside an `enum`, and an `enum` lists values of one JSON type (null aside),
 * and null where its `type` admits it (a `const` no `type` that admits null); numbers in either come with a `type`, integers within
 * ±(2^53 - 1). A `multipleOf` is a whole number or a binary fraction.
 */
function checkFormats(files: ReadonlyMap<string, SchemaNode>): void {
  for (const [file, schema] of files) {
    forEachSubschema(schema, (node, pointer) => {
      if (node.format !== undefined && !KNOWN_FORMATS.includes(node.format as string)) {
        throw new SchemaError(file, `${pointer}/format`, `unknown format ${JSON.stringify(node.format)}: the validators implement ${KNOWN_FORMATS.map((format) => `"${format}"`).join(', ')}`);
      }
      // JSON Schema applies a format to strings only: on an integer it checks nothing (the
      // TypeBox generator refused it with "not supported here", and diff read it as a narrowing).
      const types = node.type === undefined ? undefined : Array.isArray(node.type) ? node.type : [node.type];
      if (node.format !== undefined && types !== undefined && !types.includes('string')) {
        throw new SchemaError(file, `${pointer}/format`, `expected "format" only where the type admits strings (a format checks strings alone), got it beside type ${JSON.stringify(node.type)}`);
      }
      // Both: the values are those of the list equal to the fixed one. The validators and the
      // types followed the const, diff read the list alone and said "no changes" (a hostile tester).
      if (node.const !== undefined && node.enum !== undefined) {
        throw new SchemaError(file, `${pointer}/const`, `expected "const" or "enum", got both (the value ${JSON.stringify(node.const)} and a list of ${Array.isArray(node.enum) ? node.enum.length : 'some'}): keep the list, or the fixed value alone`);
      }
      // The validators read a pattern with the `u` flag, as ajv does; TypeBox's compiler without
      // it, where `\p{Lu}` is the letters "p{Lu}" (it refused "BTC-ZAR"), and a character past
      // U+FFFF is two: `[😀-😂]` stopped TypeBox's compiler at start-up (hostile testers).
      if (typeof node.pattern === 'string' && (/(?:^|[^\\])(?:\\\\)*\\[pPu]\{/.test(node.pattern) || /[\u{10000}-\u{10ffff}]/u.test(node.pattern))) {
        throw new SchemaError(file, `${pointer}/pattern`, `expected a pattern without \\p{…}, \\P{…}, \\u{…} or a character past U+FFFF, got ${JSON.stringify(node.pattern)}: the validators read a pattern with the u flag, as ajv does, TypeBox's compiler without it, where these mean other characters; list the characters instead`);
      }
      // A closed list of strings and numbers or booleans: Go and Python declare a union for it
      // under names of quicktype's own (`MixUnion`, `MixEnum`), which an edit elsewhere changes
      // (`PurpleMix`; a hostile tester).
      const kinds = Array.isArray(node.enum) ? [...new Set(node.enum.filter((value) => value !== null).map((value) => typeof value))] : [];
      if (kinds.length > 1) {
        throw new SchemaError(file, `${pointer}/enum`, `expected a closed list of one JSON type (null aside), got ${kinds.join(' and ')} values: split it, or list strings alone`);
      }
      // Numbers without a `type`: quicktype reads them as JSON numbers, so Go declared a
      // {Double, Integer} struct or *float64 and Python Union[float, int], whose encoder wrote
      // 1 as 1.0, the integer written as a float Go's int64 and Python's int refuse (a hostile
      // tester). With "type": "integer" they are int64 and int; "number" says floats are meant.
      const values = node.const !== undefined ? [node.const] : Array.isArray(node.enum) ? node.enum : [];
      const numbers = values.filter((value): value is number => typeof value === 'number');
      if (node.type === undefined && numbers.length > 0) {
        const keyword = node.const !== undefined ? 'const' : 'enum';
        const number = numbers.every(Number.isInteger) ? 'integer' : 'number';
        const wanted = values.includes(null) ? `["${number}", "null"]` : `"${number}"`;
        throw new SchemaError(file, `${pointer}/${keyword}`, `expected a "type" beside ${keyword === 'const' ? 'a fixed number' : 'a closed list of numbers'}, got ${JSON.stringify(keyword === 'const' ? node.const : node.enum)} without one: add "type": ${wanted} (without it Go and Python type the values as floats, and Python writes 1 as 1.0, which Go's int64 and Python's int refuse)`);
      }
      // `type` admits null where the list does not hold it: the validators refuse null (the
      // list decides), while the types, the docs and the received types let it through, and
      // TypeBox's did not (a hostile tester).
      if (Array.isArray(node.enum) && types?.includes('null') && !node.enum.includes(null)) {
        throw new SchemaError(file, `${pointer}/enum`, `expected null in the closed list, as its type ${JSON.stringify(node.type)} admits null, got ${JSON.stringify(node.enum)}: add null to the list, or take "null" out of type`);
      }
      // A fixed value beside a `type` that admits null: the validators take the value alone, and
      // quicktype stopped with "Trying to make an empty union", no file named (a hostile tester).
      if (node.const !== undefined && node.const !== null && types?.includes('null')) {
        throw new SchemaError(file, `${pointer}/const`, `expected a type without null beside the fixed value ${JSON.stringify(node.const)}, got ${JSON.stringify(node.type)}: the value alone passes, never null; take "null" out of type, or write "enum": [${JSON.stringify(node.const)}, null] for both`);
      }
      // An integer past 2^53: JavaScript cannot hold it exactly (1e20 + 1 is 1e20) and Go's int64
      // stops at 9.2e18: the validators, the types and the other languages would disagree.
      const unsafe = numbers.find((value) => Number.isInteger(value) && !Number.isSafeInteger(value));
      if (unsafe !== undefined && types?.includes('integer')) {
        throw new SchemaError(file, `${pointer}/${node.const !== undefined ? 'const' : 'enum'}`, `expected integers between -(2^53 - 1) and 2^53 - 1, got ${unsafe}: JavaScript cannot hold a larger one exactly, nor Go's int64 past 2^63; send it as a string`);
      }
      // A fraction that is no binary one (0.01): a multiple of it written in decimal (0.07) is
      // no multiple of the binary number 0.01 stands for, so the validators refused valid
      // amounts, and TypeBox others (a hostile tester). Halves, quarters, … are exact.
      if (typeof node.multipleOf === 'number' && !Number.isInteger(node.multipleOf * 2 ** 20)) {
        throw new SchemaError(file, `${pointer}/multipleOf`, `expected a multipleOf that is a whole number or a binary fraction (0.5, 0.25, …), got ${node.multipleOf}: binary floating point cannot tell its multiples (0.07 is not a multiple of 0.01 there); count in minor units (cents as an integer) or leave multipleOf out`);
      }
    });
  }
}

/**
 * Bounds that leave no value: a lower bound above its upper bound (`minimum: 5, maximum: 1`,
 * `minLength: 5, maxLength: 1`, an exclusive pair that meets) makes the field refuse whatever is
 * sent, and so its message, while generate passed it in silence (a hostile tester). Refused at
 * the lower bound.
 */
function checkBounds(files: ReadonlyMap<string, SchemaNode>): void {
  const number = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
  for (const [file, schema] of files) {
    forEachSubschema(schema, (node, pointer) => {
      for (const [low, high] of [['minLength', 'maxLength'], ['minItems', 'maxItems'], ['minProperties', 'maxProperties']] as const) {
        if (number(node[low]) && number(node[high]) && node[low] > node[high]) {
          throw new SchemaError(file, `${pointer}/${low}`, `expected ${low} at most ${high} (${node[high]}), got ${node[low]}: no value passes`);
        }
      }
      // The numeric range: the larger lower bound against the smaller upper one, inclusive or not.
      const lows = (['minimum', 'exclusiveMinimum'] as const).filter((key) => number(node[key]));
      const highs = (['maximum', 'exclusiveMaximum'] as const).filter((key) => number(node[key]));
      for (const low of lows) {
        for (const high of highs) {
          const [a, b] = [node[low] as number, node[high] as number];
          if (a > b || (a === b && (low === 'exclusiveMinimum' || high === 'exclusiveMaximum'))) {
            throw new SchemaError(file, `${pointer}/${low}`, `expected ${low} below ${high} (${b})${low === 'minimum' && high === 'maximum' ? ' or equal to it' : ''}, got ${a}: no value passes`);
          }
        }
      }
    });
  }
}

/**
 * Every `default`, and every `examples` entry below a file's root, passes the schema it stands
 * in: the bundled schema and `asyncapi.json` ship a default as what a field holds when it is
 * absent (`"hold"` for a status of `buy`/`sell` shipped; a hostile tester), and the reference
 * and the TSDoc show a field's examples as values it may hold (`Example: \`-5\`` beside
 * `minimum: 0` shipped; tDJ F2). Judged by a plain draft-07 ajv with the contract's RFC 3339
 * check, each on its own schema with the `$ref`s it makes. A root's `examples` (a whole message
 * or document) are {@link checkExamples}'s, against the validators generated.
 *
 * @throws SchemaError at the `default`, or at `examples/<index>`, of the first that fails, with ajv's reason
 */
function checkDefaults(files: ReadonlyMap<string, SchemaNode>): void {
  const sites: [string, string, unknown, string][] = [];
  for (const [file, schema] of files) {
    forEachSubschema(schema, (node, pointer) => {
      if (node.default !== undefined) sites.push([file, pointer, node.default, 'default']);
      if (pointer !== '' && Array.isArray(node.examples)) for (const [index, example] of (node.examples as unknown[]).entries()) sites.push([file, pointer, example, `examples/${index}`]);
    });
  }
  if (sites.length === 0) return;
  // The generated validators' equality for uniqueItems, enum and const: ajv's own threw on a
  // `toString` key and passed two equal objects of `constructor` keys (tDX F1, F2).
  const ajv = withJsonEquality(new Ajv({ strict: false, logger: false, allErrors: false }));
  ajv.addFormat('date-time', (value: string) => formats['date-time'](value, true));
  for (const schema of files.values()) ajv.addSchema(schema);
  for (const [file, pointer, value, place] of sites) {
    const validate = ajv.getSchema(`${SCHEMA_BASE_URI}${file}#${pointer}`);
    if (validate !== undefined && !validate(value)) {
      const [error] = validate.errors ?? [];
      // ajv's words, but for a closed list, whose values it does not name.
      const reason = error?.keyword === 'enum' ? `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((known) => JSON.stringify(known)).join(', ')}` : (error?.message ?? 'fails');
      throw new SchemaError(file, `${pointer}/${place}`, `expected ${place === 'default' ? 'a default' : 'an example'} its own schema accepts, got ${JSON.stringify(value)}: ${error?.instancePath ? `at ${error.instancePath} it` : 'it'} ${reason}`);
    }
  }
}

/**
 * The poll response (`PollResponse`, spec "Backend Implementation Notes" 5) carries the same
 * stream a socket does: its `messages` list every message of a user or global audience, and
 * no per-connection one. A new stream message left out of it made every poll that covered one
 * fail its own schema (the server answered 500); a list written differently is left alone.
 */
function checkPollMessages(messages: readonly MessageSchema[], documents: readonly DocumentSchema[], files: ReadonlyMap<string, SchemaNode>): void {
  const poll = documents.find((document) => document.title === 'PollResponse');
  const pointer = '/properties/messages/items/anyOf';
  const branches = poll && resolvePointer(poll.schema, pointer);
  if (!poll || !Array.isArray(branches) || !branches.every((branch) => typeof branch?.$ref === 'string')) return;
  /** The file whose root a branch names, through `$ref`s to `$ref`s (`#/definitions/Trades` → `trades.json`). */
  const fileOf = (branch: SchemaNode): string | undefined => {
    const target = followRefs(files, poll.file, branch);
    return files.get(target.file) === target.node ? target.file : undefined;
  };
  const listed = new Map(branches.map((branch: SchemaNode, index) => [fileOf(branch), index]));
  const missing = messages.filter((message) => message.audience !== 'connection' && !listed.has(message.file));
  if (missing.length > 0) {
    throw new SchemaError(poll.file, pointer, `lists no ${missing.map((m) => `"${m.type}"`).join(', ')}: a poll carries every message of a "user" or "global" audience (add { "$ref": "${missing[0]!.file}" }), or a poll that covers one fails this schema`);
  }
  const extra = messages.find((message) => message.audience === 'connection' && listed.has(message.file));
  if (extra) throw new SchemaError(poll.file, `${pointer}/${listed.get(extra.file)}`, `lists "${extra.type}", whose audience is "connection": per-connection messages never appear in a poll`);
}

/**
 * The message types the reference server receives from a client: `checkInbound`
 * (src/server/core.ts) answers a ping with a pong and takes a pong as the answer to its own
 * ping, and has nothing to hand any other client message to.
 */
export const SERVER_RECEIVES: readonly string[] = ['ping', 'pong'];

/** The keys each fact of protocol.json is read by, with what the fact is, for its error. */
const PROTOCOL_FACT_KEYS: readonly [fact: string, list: boolean, keys: readonly string[], expected: string][] = [
  ['x-connection', false, ['url', 'path', 'authentication'], 'expected { url, path, authentication } strings'],
  ['x-keepalive', false, ['pingIntervalMs', 'pongTimeoutMs'], 'expected { pingIntervalMs, pongTimeoutMs } integers (milliseconds)'],
  ['x-polling', false, ['path', 'holdMs', 'maxMessages', 'description'], 'expected { path, holdMs, maxMessages, description } (holdMs in milliseconds)'],
  ['x-close-codes', true, ['code', 'name', 'reconnect', 'description'], 'expected { code, name, reconnect, description }'],
  ['x-error-codes', true, ['code', 'name', 'description'], 'expected { code, name, description }'],
  ['x-version-history', true, ['version', 'date', 'changes'], 'expected { version, date (YYYY-MM-DD), changes }'],
];

/**
 * A fact of protocol.json holds the keys it is read by and no other: another one (a misspelled
 * `pongTimoutMs`, a note) was written into the AsyncAPI document as it was, and `diff` never
 * compared it, so a change to it went unreported (a tester). A check of generate's, not the
 * loader's: `diff` must still read an older release that shipped such a key (a tester), and
 * warns of a newer side that has one.
 *
 * @throws SchemaError at the first other key, `protocol.json#/x-keepalive/pongTimoutMs`
 */
function checkProtocolFactKeys(protocol: SchemaNode): void {
  for (const [fact, list, keys, expected] of PROTOCOL_FACT_KEYS) {
    const value = (protocol as Record<string, unknown>)[fact];
    const entries: [string, unknown][] = list ? (Array.isArray(value) ? value.map((entry, index) => [`/${fact}/${index}`, entry]) : []) : [[`/${fact}`, value]];
    for (const [pointer, entry] of entries) {
      if (typeof entry !== 'object' || entry === null) continue;
      const other = Object.keys(entry).find((key) => !keys.includes(key));
      if (other !== undefined) {
        throw new SchemaError('protocol.json', `${pointer}/${escapeToken(other)}`, `${expected}, and no other key: found ${JSON.stringify(other)} (misspelled? generate reads only these; remove it)`);
      }
    }
  }
}

/**
 * The error codes are written twice: in protocol.json (`x-error-codes`: each code's name and
 * description, read by contract.ts's `ErrorCode` / `ERROR_CODES` and the reference's table of
 * known codes) and in error.json (`data.code`'s `x-known-values`, read by types.ts's
 * `ErrorData['code']` and the reference's field row). Lists that differ were generated in
 * silence, and the reference contradicted itself (tAS F2): each code must be in both, in any
 * order. An `error` message whose `data.code` has no `x-known-values`, or a protocol.json
 * without codes (either way the list is written once), is left alone.
 *
 * @throws SchemaError at `data.code`'s `x-known-values` (error.json), naming protocol.json's
 *   `/x-error-codes` and each code written in one place only
 */
function checkErrorCodes(contract: Contract): void {
  const error = contract.messages.find((message) => message.type === 'error');
  if (!error) return;
  const { files } = contract;
  const child = (parent: { file: string; pointer: string; node: SchemaNode }, name: string) => {
    const properties = parent.node.properties as Record<string, SchemaNode> | undefined;
    if (properties === undefined || !Object.hasOwn(properties, name)) return undefined;
    return followRefs(files, parent.file, properties[name]!, `${parent.pointer}/properties/${escapeToken(name)}`);
  };
  const data = child({ file: error.file, pointer: '', node: error.schema }, 'data');
  const code = data && child(data, 'code');
  const known = code?.node['x-known-values'];
  const listed = contract.protocol.errorCodes.map((entry) => entry.code);
  // Each code and each name once: contract.ts's ErrorCode and ERROR_CODES are objects keyed by them,
  // and a copy-pasted entry wrote a contract.ts that did not compile (TS1117; tAY F2).
  for (const key of ['code', 'name'] as const) {
    const seen = new Map<string, number>();
    contract.protocol.errorCodes.forEach((entry, index) => {
      const first = seen.get(entry[key]);
      if (first !== undefined) throw new SchemaError('protocol.json', `/x-error-codes/${index}/${key}`, `expected each error ${key} once, got ${JSON.stringify(entry[key])} again (first at /x-error-codes/${first})`);
      seen.set(entry[key], index);
    });
  }
  if (code && Array.isArray(known)) {
    const twice = known.findIndex((value, index) => known.indexOf(value) !== index);
    if (twice !== -1) throw new SchemaError(code.file, `${code.pointer}/x-known-values/${twice}`, `expected each known value once, got ${JSON.stringify(known[twice])} again`);
  }
  // No codes in protocol.json: an older release's contract, which `diff` reads with an empty
  // list in place of the x-error-codes it predates, writes them once (a v1.0 newer side was
  // warned of).
  if (!code || !Array.isArray(known) || listed.length === 0) return;
  const onlyKnown = known.filter((value) => !listed.includes(value as string));
  const onlyListed = listed.filter((value) => !known.includes(value));
  if (onlyKnown.length === 0 && onlyListed.length === 0) return;
  const codes = (values: readonly unknown[]) => values.map((value) => JSON.stringify(value)).join(', ');
  const differences = [
    ...(onlyKnown.length > 0 ? [`only here: ${codes(onlyKnown)} (add ${onlyKnown.length === 1 ? 'it' : 'each'} to protocol.json's x-error-codes with a name and a description, or remove ${onlyKnown.length === 1 ? 'it' : 'them'} here)`] : []),
    ...(onlyListed.length > 0 ? [`only in protocol.json#/x-error-codes: ${codes(onlyListed)} (add ${onlyListed.length === 1 ? 'it' : 'each'} here, or remove ${onlyListed.length === 1 ? 'it' : 'them'} there)`] : []),
  ];
  throw new SchemaError(
    code.file,
    `${code.pointer}/x-known-values`,
    `expected the same error codes as protocol.json#/x-error-codes (the reference, types.ts's ErrorData['code'] and contract.ts's ErrorCode show both lists), got ${differences.join('; ')}`,
  );
}

/**
 * A figure of time in prose: `30 s`, `10s`, `30000 ms`, `30,000 ms`, `30-second`, `2 minutes`;
 * the number (thousands separated by commas or not) and its unit. `30,000 ms` was read as
 * `000 ms`, and `30-second` not at all (tAY F3).
 */
const TIME_FIGURE = /(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)[\s-]?(ms|milliseconds?|s|secs?|seconds?|min|minutes?)(?![\w])/gi;

/** A figure's unit in milliseconds. */
function unitMs(unit: string): number {
  const lower = unit.toLowerCase();
  if (lower === 'ms' || lower.startsWith('millisecond')) return 1;
  if (lower.startsWith('min')) return 60_000;
  return 1000;
}

/**
 * The keepalive times are written once, in protocol.json's `x-keepalive`, which the server's
 * defaults, the reference's Keepalive section and the AsyncAPI document read. A figure of time
 * written by hand in a `description` of the ping or pong message ("every 30 s", "within 10 s")
 * must be one of them: after a change to `x-keepalive` the messages table, the ping and pong
 * sections, their TSDoc and the AsyncAPI messages kept the old figures beside the new ones
 * (tAS F4).
 *
 * @throws SchemaError at the first description with a figure that is neither
 *   `pingIntervalMs` nor `pongTimeoutMs`, naming both
 */
function checkKeepaliveFigures(contract: Contract): void {
  const { pingIntervalMs, pongTimeoutMs } = contract.protocol.keepalive;
  const seconds = (ms: number) => `${ms} ms, ${ms / 1000} s`;
  for (const message of contract.messages.filter((m) => m.type === 'ping' || m.type === 'pong')) {
    forEachSubschema(message.schema, (node, pointer) => {
      if (typeof node.description !== 'string') return;
      for (const [figure, number, unit] of node.description.matchAll(TIME_FIGURE)) {
        const ms = Number(number!.replace(/,/g, '')) * unitMs(unit!);
        if (ms === pingIntervalMs || ms === pongTimeoutMs) continue;
        throw new SchemaError(
          message.file,
          `${pointer}/description`,
          `says "${figure}", but protocol.json#/x-keepalive has pingIntervalMs ${pingIntervalMs} (${seconds(pingIntervalMs)}) and pongTimeoutMs ${pongTimeoutMs} (${seconds(pongTimeoutMs)}): ` +
            'the keepalive times are written there, and the server, the Keepalive section and the AsyncAPI document read them; write the figure from x-keepalive, or leave it out',
        );
      }
    });
  }
}

/** The `x-polling.description` of the placeholder `diff` reads a contract older than `x-polling` with (src/diff/align.ts). */
export const UNDECLARED_POLLING = 'Not declared by this contract version.';

/**
 * `x-polling.path` extends `x-connection.path` by a path of its own (`/api/ws` → `/api/ws/poll`):
 * a client knows its socket URL only (a proxy may serve it under a prefix, `/prefix/api/ws`), so
 * its default poll URL is that URL's path plus the rest of `x-polling.path`
 * (src/client/client.ts, `pollUrlOf`), and the server given another `path` polls at that path
 * plus the same rest. Another path (`/api/poll`) was accepted, the server served it, and the
 * client built from the same contract polled `/api/ws/poll`, 404 for ever (tBD F5).
 *
 * @throws SchemaError at `protocol.json#/x-polling/path`
 */
function checkPollingPath(contract: Contract): void {
  checkServablePath('/x-connection/path', contract.protocol.connection.path);
  // A contract older than x-polling (v1.0), as `diff` reads it with a placeholder in its place (src/diff/align.ts): none to check.
  if (contract.protocol.polling.description === UNDECLARED_POLLING) return;
  checkServablePath('/x-polling/path', contract.protocol.polling.path);
  const socket = contract.protocol.connection.path.replace(/\/+$/, '');
  const poll = contract.protocol.polling.path;
  if (poll.startsWith(`${socket}/`) && poll.length > socket.length + 1) return;
  throw new SchemaError(
    'protocol.json',
    '/x-polling/path',
    `expected a path under x-connection.path ${JSON.stringify(contract.protocol.connection.path)} (such as ${JSON.stringify(`${socket}/poll`)}), got ${JSON.stringify(poll)}: ` +
      "the client knows only its socket URL, whose path may carry a proxy's prefix, so its default poll URL is that path plus what x-polling.path adds to x-connection.path " +
      '(src/client/client.ts, pollUrlOf), and the server given another path polls there too; a path elsewhere would be served and never polled',
  );
}

/**
 * A request written in prose: `GET /api/ws/poll?since=<cursor>`, its path: the characters of a
 * URL path (RFC 3986 pchar and `/`) but those Markdown text puts around one (`*`, `(`, `)`, `'`,
 * `,`, `;`: descriptions are Markdown, and `**GET /api/ws/poll**` or `[GET /api/ws](…)` was read
 * as the path `/api/ws/poll**`, `/api/ws]`: tBU F3); a query, a fragment, a bracket, a space
 * ends it.
 */
const REQUEST_PATH = /\bGET\s+(\/[A-Za-z0-9\-._~%!$&+=:@/]*)/g;

/**
 * The paths are written once, in protocol.json's `x-connection.path` and `x-polling.path`, which
 * the server, the client and the AsyncAPI servers read. A request written by hand in a schema's
 * `description` (`GET /api/ws/poll?since=<cursor>` in poll-response.json) must name one of them:
 * after a change to the paths, the reference, the TSDoc and the AsyncAPI PollResponse message kept
 * the old path beside the new one (tBK F3), as a stale keepalive figure was kept.
 *
 * @throws SchemaError at the first description with a `GET <path>` of neither path, naming both
 */
function checkRequestPaths(contract: Contract): void {
  const { connection, polling } = contract.protocol;
  const paths = polling.description === UNDECLARED_POLLING ? [connection.path] : [connection.path, polling.path];
  for (const [file, schema] of contract.files) {
    forEachSubschema(schema, (node, pointer) => {
      if (typeof node.description !== 'string') return;
      for (const [written, found] of node.description.matchAll(REQUEST_PATH)) {
        // A sentence's own stop after the path (`… with GET /api/ws.`) is not the path's, nor
        // Markdown's `_…_` or `~~…~~` around it.
        const path = found!.replace(/[.:!_~]+$/, '');
        const request = written.slice(0, written.length - (found!.length - path.length));
        // Compared as the server compares a request's path with its own: one trailing slash more or
        // less is the same endpoint (`GET /api/ws/poll/` is served as /api/ws/poll: tCC F9).
        if (paths.some((served) => endpointOf(served) === endpointOf(path))) continue;
        throw new SchemaError(
          file,
          `${pointer}/description`,
          `says "${request}", but protocol.json has x-connection.path ${JSON.stringify(connection.path)}${paths.length > 1 ? ` and x-polling.path ${JSON.stringify(polling.path)}` : ''}: ` +
            'the paths are written there, and the server, the client and the AsyncAPI document read them; write the path from protocol.json, or leave it out',
        );
      }
    });
  }
}

/**
 * `x-polling.holdMs` and `x-polling.maxMessages` are the server's default `pollHoldMs` and
 * `pollMaxMessages` (and the client's poll timeout follows the hold), held to the bounds the
 * server holds those options to (src/server/server.ts, checkOptions): a hold from 0 to
 * {@link MAX_TIMER_MS} ms (Node fires a longer or negative timer at once, so every quiet poll
 * was answered at once), at least one message a poll. `maxMessages: 0` was generated, and the
 * same build's polling client showed "connected" while every message was lost to it (tBH F4).
 *
 * @throws SchemaError at `protocol.json#/x-polling/holdMs` or `#/x-polling/maxMessages`
 */
function checkPollingFigures(contract: Contract): void {
  const { polling } = contract.protocol;
  // A contract older than x-polling (v1.0), read by `diff` with a placeholder: none to check.
  if (polling.description === UNDECLARED_POLLING) return;
  if (!(polling.holdMs >= 0 && polling.holdMs <= MAX_TIMER_MS)) {
    throw new SchemaError(
      'protocol.json',
      '/x-polling/holdMs',
      `expected a number of milliseconds from 0 to ${MAX_TIMER_MS} (as the server's pollHoldMs option), got ${polling.holdMs}: it is the server's default poll hold, and a timer outside it fires at once, so every quiet poll would be answered at once`,
    );
  }
  // The client's default poll timeout is the hold + POLL_TIMEOUT_MARGIN_MS, and it waits CLIENT_MAX_TIMER_MS at most:
  // a longer hold, and the same build's client gave up on every quiet poll before the server answered it (tBI F4).
  const longestHold = CLIENT_MAX_TIMER_MS - POLL_TIMEOUT_MARGIN_MS;
  if (polling.holdMs > longestHold) {
    throw new SchemaError(
      'protocol.json',
      '/x-polling/holdMs',
      `expected a number of milliseconds from 0 to ${longestHold}, got ${polling.holdMs}: the client waits for a poll's answer ${POLL_TIMEOUT_MARGIN_MS} ms past the hold, and ${CLIENT_MAX_TIMER_MS} ms at most, so it would give up on every quiet poll before the server answered it`,
    );
  }
  if (!(polling.maxMessages >= 1 && polling.maxMessages <= Number.MAX_SAFE_INTEGER)) {
    throw new SchemaError(
      'protocol.json',
      '/x-polling/maxMessages',
      `expected an integer ≥ 1 (as the server's pollMaxMessages option), got ${polling.maxMessages}: it is the most messages the server answers a poll with by default, and with none a polling client would show "connected" and receive nothing`,
    );
  }
}

/**
 * `x-connection.path` and `x-polling.path` are the server's default `path` and `pollPath`, judged
 * by the rules the server applies to those options ({@link unservablePath}): a query, a fragment,
 * a dot segment or a character the URL parser escapes (`/api/ws/poll?x=1`, `/api/ws/./poll`,
 * `/api/ws/po ll`) was generated, the server never matched it, and the client built from the
 * same contract polled 404 for ever, offline (tBH F1).
 *
 * @throws SchemaError at `protocol.json#<pointer>`
 */
function checkServablePath(pointer: '/x-connection/path' | '/x-polling/path', path: string): void {
  const fault = unservablePath(path);
  if (fault === undefined) return;
  throw new SchemaError(
    'protocol.json',
    pointer,
    `expected ${AS_A_REQUEST_NAMES_IT}, starting with /, got ${JSON.stringify(path)}` +
      `${fault.read === undefined ? '' : `: a request for it reads as ${JSON.stringify(fault.read)}`}, so the server (whose default ${pointer === '/x-connection/path' ? 'path' : 'pollPath'} it is) would never serve it and the client would ask for it in vain`,
  );
}

/**
 * A client→server direction only on the types the reference server receives
 * ({@link SERVER_RECEIVES}). Another one (a `subscribe`) passed generate and `diff`
 * ("compatible"), then `npm run build` stopped in src/server/core.ts's inbound check with a type
 * error that said nothing of the contract (a tester): the server has no handler for it, nor a
 * way to give it to the application, so it needs server work before the contract can say it.
 *
 * @throws SchemaError at the message's `/x-direction`
 */
function checkClientMessages(messages: readonly MessageSchema[]): void {
  for (const message of messages) {
    if (!message.directions.includes('client-to-server') || SERVER_RECEIVES.includes(message.type)) continue;
    throw new SchemaError(
      message.file,
      '/x-direction',
      `"${message.type}" is sent client-to-server, but the reference server receives only ${SERVER_RECEIVES.map((type) => `"${type}"`).join(' and ')} from a client ` +
        '(src/server/core.ts, checkInbound: it has no handler for another client message, nor a way to hand one to the application): ' +
        'a new client→server type needs that server work first; until then declare it "server-to-client" only',
    );
  }
}

/**
 * Every message of a stream (a user or global audience) declares the `cursor` the server
 * stamps on it (spec "Backend Implementation Notes" 5, protocol v1.1): an optional property
 * whose `$ref` leads to `definitions.json#/definitions/Cursor`. A new stream message without one
 * was generated in silence, and every frame of it the server sent failed the contract's own
 * strict check at `/cursor` (a fresh user); a required one would refuse what `createMessage`
 * builds, and v1.0 servers, which send none.
 *
 * @throws SchemaError at the message's `/properties` (no cursor), `/properties/cursor` (another
 *   schema) or `/required` (listed there)
 */
function checkStreamCursors(messages: readonly MessageSchema[], files: ReadonlyMap<string, SchemaNode>): void {
  const definitions = files.get('definitions.json');
  const cursor = definitions && resolvePointer(definitions, '/definitions/Cursor');
  if (cursor === undefined) return;
  const wanted = '{ "$ref": "definitions.json#/definitions/Cursor" }';
  for (const message of messages) {
    if (message.audience === 'connection') continue;
    const properties = message.schema.properties as Record<string, SchemaNode> | undefined;
    const own = properties !== undefined && Object.hasOwn(properties, 'cursor') ? properties.cursor : undefined;
    if (own === undefined) {
      throw new SchemaError(message.file, '/properties', `expected a "cursor" property, ${wanted}, in a message of a "${message.audience}" audience (the server gives each one its position in the stream), got none`);
    }
    let target: SchemaNode | undefined;
    try {
      target = followRefs(files, message.file, own, '/properties/cursor').node;
    } catch {
      target = undefined;
    }
    if (target !== cursor) throw new SchemaError(message.file, '/properties/cursor', `expected ${wanted}: the server stamps cursors of that form on every message of a stream, got another schema`);
    const required = message.schema.required;
    if (Array.isArray(required) && required.includes('cursor')) {
      throw new SchemaError(message.file, `/required/${required.indexOf('cursor')}`, 'expected "cursor" to be optional (what createMessage builds and v1.0 servers send carry none), got it required');
    }
  }
}

/**
 * Every `examples` entry of a message or document schema passes the validators just generated
 * from it, in strict mode: the docs, the AsyncAPI file and the bundled schema show them as
 * the contract (a field whose type changed kept its old example, and every output shipped it).
 * The generated module is self-contained; it is imported from its text, as it will run.
 *
 * @throws SchemaError at `/examples/<index><pointer>` of the first example that fails
 */
export async function checkExamples(contract: Contract, validatorsCode: string): Promise<void> {
  const validators = (await import(`data:text/javascript;base64,${Buffer.from(validatorsCode).toString('base64')}`)) as Record<string, (...args: unknown[]) => CompiledValidatorError[] | null | undefined>;
  const checks: (readonly [MessageSchema | DocumentSchema, (example: unknown) => CompiledValidatorError[] | null | undefined])[] = [
    ...contract.messages.map((message) => [message, (example: unknown) => validators.checkMessage!(message.type, example, 'strict')] as const),
    ...contract.documents.map((document) => [document, (example: unknown) => validators[`check${document.title}Document`]?.(example, 'strict')] as const),
  ];
  for (const [schema, check] of checks) {
    const examples = Array.isArray(schema.schema.examples) ? (schema.schema.examples as unknown[]) : [];
    for (const [index, example] of examples.entries()) {
      const errors = check(example);
      if (!errors) continue;
      // With `validate`'s hints (a date that does not exist says which part: a fresh user).
      // Imported here: as-written reaches generated/ (through validate), which `generate` must
      // not need to load, or a checkout whose generated/ is broken could not be repaired.
      const { asWritten } = await import('../languages/as-written.js');
      const fault = asWritten(describeCompiledErrors(errors, example, 'strict')[0]!, example, () => undefined);
      throw new SchemaError(schema.file, `/examples/${index}${fault.pointer}`, `the example fails its own schema: ${fault.message}`);
    }
  }
}

/**
 * A JSON key that Go's encoding/json can take from a struct tag: letters, digits, spaces and
 * `!#$%&()*+-./:;<=>?@[]^_{|}~` (its `isValidTag`; a comma would start the tag's options).
 * Any other key is silently replaced by the Go field's name when encoding and decoding.
 */
const GO_TAG_NAME = /^[\p{L}\p{Nd}!#$%&()*+\-./:;<=>?@[\]^_{|}~ ]+$/u;

/**
 * The names a generated Python decoder (`from_dict(obj)`) reads: its argument, the builtins it
 * calls, and quicktype's helpers. A property's local of the same name shadows it for the whole
 * function. (emitLanguages checks the rendered code too, for a name this list lacks.)
 */
const PYTHON_DECODER_NAMES: readonly string[] = ['obj', 'isinstance', 'dict', 'list', 'str', 'int', 'float', 'bool', 'from_none', 'from_union', 'from_str', 'from_int', 'from_float', 'from_bool', 'from_list', 'from_dict', 'from_absent_or_value', 'to_enum', 'to_class', 'to_float', 'is_type'];

/**
 * Refuses what a generated language cannot follow, with the file and JSON Pointer, before
 * anything is generated: a property name that cannot be a Go struct tag (`""`, `-`, or one
 * holding a quote, backslash, backquote or comma), which Go would read and write under another
 * key or skip; one starting with a letter without case (`数量`), a Go field Go does not export;
 * one of {@link PYTHON_DECODER_NAMES}, which a Python decoder's local would shadow; a title
 * two schemas share; a definition whose `title` is not its key (quicktype names the type
 * after the title, every other generator after the key); a property whose schema is `true`
 * (write `{}`), and a property, `items` or `anyOf` / `oneOf` branch whose schema is `false`.
 * Every other construct the loader and the TypeBox generator accept is handled by quicktype
 * (test/codegen/constructs.test.ts holds one small schema per construct).
 *
 * @throws SchemaError naming the file and the pointer of the property or title
 */
export function checkLanguageSupport(contract: Contract): void {
  const definitions = new Set(Object.keys(contract.bundle.definitions ?? {}));
  /** Title of a schema below a definition → where it is, the first time it is seen. */
  const inline = new Map<string, string>();
  for (const [file, schema] of contract.files) {
    forEachSubschema(schema, (node, pointer) => {
      // A title below a definition names a type of its own in Go and Python: one name, one type.
      const title = node.title;
      if (typeof title === 'string' && pointer !== '' && !/^\/definitions\/[^/]+$/.test(pointer)) {
        const other = definitions.has(title) ? `a definition's name` : inline.get(title);
        if (other !== undefined) throw new SchemaError(file, `${pointer}/title`, `expected a title no other schema has (a titled schema is a type of its own in Go and Python), got ${JSON.stringify(title)}, which is also ${other}`);
        inline.set(title, `the title at ${file}#${pointer}`);
      }
      // Every generator names a definition's type after its key, quicktype (Go, Python)
      // after its title: a title that differs would give the type two names (quicktype then
      // failed with "declared no type for the schema title"). `diff` still reads such a
      // contract: only generating one is refused.
      for (const [name, definition] of Object.entries(node.definitions ?? {})) {
        const title = (definition as SchemaNode).title;
        if (title !== undefined && title !== name) {
          throw new SchemaError(file, `${pointer}/definitions/${escapeToken(name)}/title`, `expected ${JSON.stringify(name)}, the definition's key (its generated type's name in every language), or no title; got ${JSON.stringify(title)}`);
        }
      }
      for (const key of Object.keys(node.properties ?? {})) {
        const refuse = (problem: string) => new SchemaError(file, `${pointer}/properties/${escapeToken(key)}`, `property name ${JSON.stringify(key)} ${problem}`);
        // Go names a field after its key: one that starts with a letter without case (`数量`)
        // is not exported, and encoding/json drops it in silence (a hostile tester).
        if (/^[\p{Lo}\p{Lm}]/u.test(key)) throw refuse('would become a Go field Go does not export (it does not start with a capital letter), so encoding/json drops it silently; start the name with a letter that has a capital');
        // Python names a property's local in its decoder after the key: the decoder's own argument
        // or a helper it calls, so named, fails every decode of the type (a hostile tester).
        if (PYTHON_DECODER_NAMES.includes(key)) throw refuse('would become a local of the generated Python decoder that shadows a name the decoder reads itself (its argument obj, isinstance, or a helper such as from_str), so every decode of the type fails; rename the property');
        // `json:"-"` tells encoding/json to skip the field: the key is neither read nor written (a reviewer).
        if (key === '-') throw refuse('cannot be a Go struct tag (encoding/json skips a field tagged "-"): rename it');
        if (!GO_TAG_NAME.test(key)) throw refuse("cannot be a Go struct tag (encoding/json would use the Go field's name instead): use letters, digits, spaces and !#$%&()*+-./:;<=>?@[]^_{|}~");
      }
      // `false` (no value is valid) has no type in Go or Python: quicktype refused it at a
      // pointer into the bundle, not the file (a hostile tester).
      for (const [keyword, child] of [...Object.entries(node.properties ?? {}).map(([key, value]) => [`properties/${escapeToken(key)}`, value] as const), ['items', node.items] as const]) {
        // `true` (any value) as a property: the generators read a property's schema as an object,
        // and generate stopped with a TypeError's text, no file (a tester, tDJ F9). `{}` is the same schema.
        if ((child as unknown) === true && keyword !== 'items') {
          throw new SchemaError(file, `${pointer}/${keyword}`, 'expected a schema object, got true, which the generators do not read as a property\'s schema: write {} (any value), the same schema');
        }
        if ((child as unknown) === false) {
          // Leaving the property out keeps its meaning only where the object is closed: an open one
          // then admits the key with any value, and was told it "refuses it already" (a tester, tDP F12).
          const advice = keyword === 'items'
            ? 'for an array that must be empty, use "maxItems": 0'
            : node.additionalProperties === false
              ? 'leave the property out (an object with "additionalProperties": false refuses it already)'
              : 'this object admits keys it does not name ("additionalProperties" is not false), and no form the generators take refuses one of them: leave the property out to accept the key, or close the object with "additionalProperties": false, which refuses it and every other key it does not name';
          throw new SchemaError(file, `${pointer}/${keyword}`, `expected a schema some value satisfies, got false, which the Go and Python types cannot carry: ${advice}`);
        }
      }
      // The same `false` as a branch of a union went to quicktype, which refused it at a pointer
      // into the generated bundle, in its own words (a tester, tDP F2).
      for (const keyword of ['anyOf', 'oneOf'] as const) {
        const branches: unknown[] = Array.isArray(node[keyword]) ? node[keyword] : [];
        const index = branches.indexOf(false);
        if (index !== -1) throw new SchemaError(file, `${pointer}/${keyword}/${index}`, 'expected a schema some value satisfies, got false, which the Go and Python types cannot carry: leave the branch out, which admits no value');
      }
    });
  }
  // The names Go and Python give the types: two alike (one after its place) were refused
  // without a place (a hostile tester).
  try {
    shapeForQuicktype(contract.bundle);
  } catch (error) {
    if (!(error instanceof NameClashError)) throw error;
    const [file, pointer] = sourceOf(contract, error.at);
    throw new SchemaError(file, pointer, error.message);
  }
}
