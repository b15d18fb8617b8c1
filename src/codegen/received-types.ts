import { compile } from 'json-schema-to-typescript';
import { format } from 'prettier';
import { mapSchema, unconstrained, type Contract, type MessageSchema, type SchemaNode } from '../contract/index.js';
import { withFieldNotes } from './field-notes.js';
import { openKinds } from './tolerant-enum.js';
import { forCompile, grouped, noted, openWhereAbsent } from './types.js';

/** Prefix of the consumer-facing variant of a type: `TradeData` → `ReceivedTradeData`. */
export const RECEIVED_PREFIX = 'Received';

/**
 * Generates `received-types.ts`: the consumer-facing types, which let through what tolerant
 * validation lets through (issue 13).
 *
 * Decision: the producer types in `types.ts` (`TradeData`, `TradesMessage`, …) stay closed —
 * a server building a message must use a listed value. Each type whose tree holds a closed
 * list (`enum`) gets a `Received` twin in which that list is open:
 * `ReceivedTradeData['platform']` is `'luno' | … | 'valr' | (string & {})`, so a consumer
 * still gets autocompletion but must handle a value it does not know. Types without a closed
 * list are aliased (`ReceivedPingMessage = PingMessage`, `ReceivedWhaleData = WhaleData`,
 * `ReceivedAssetBalance = AssetBalance`), so every message, every payload (the definition a
 * message's `data` refers to) and every other definition has a `Received` name, which the
 * received types use wherever they refer to it. The families: `ReceivedMessage`, `ReceivedServerMessage`, `ReceivedMessageMap`,
 * `ReceivedMessageDataMap`. A client (`on('trades', d => …)`) hands out the `Received` types;
 * `validateMessage`/`parseMessage` in tolerant mode return them.
 */
export async function emitReceivedTypes(contract: Contract): Promise<Map<string, string>> {
  const bundle = contract.bundle;
  const definitions = bundle.definitions!;
  const opens = closedListHolders(definitions);
  // Every definition has its `Received` name, an alias where it holds no closed list, and the
  // received types name it so: a balance entry is `ReceivedAssetBalance` before `AssetBalance`
  // holds one, so a consumer that names it so keeps compiling once it does (it was
  // `AssetBalance` until then, the only name, and became `ReceivedAssetBalance`: tHV F4).
  const received = (name: string) => RECEIVED_PREFIX + name;

  // Whole messages and documents (PollResponse): their examples are in the reference, not in a comment.
  const messageTitles = new Set([...contract.messages, ...contract.documents].map((m) => m.title));
  const declarations: string[] = [];
  const producerNames = new Set<string>();
  for (const [name, node] of Object.entries(definitions)) {
    if (!opens.has(name)) continue;
    const open = mapSchema(node, (child, pointer) => {
      const out = openWhereAbsent(child, forCompile(child));
      // An inline `title` would declare its type here under the name types.ts declares it by (the
      // closed `TEnum` and its open twin, one name): src/index.ts re-exports both files and the
      // package did not build (TS2308), while generate passed (tFO F7). Inline, the open type has no name.
      if (pointer !== '') delete out.title;
      // The same bounds, default and examples as the producer type's comment (types.ts).
      if (pointer !== '' && noted(pointer)) {
        const described = withFieldNotes(child.description, child);
        if (described !== undefined) out.description = described;
      }
      if (unconstrained(child)) out.tsType = 'unknown';
      if (child.$ref !== undefined) {
        const target = child.$ref.slice('#/definitions/'.length);
        delete out.$ref;
        out.tsType = received(target);
      }
      if (opensList(child)) {
        // Each listed value, then each type tolerant mode opens: a list of integers admits a new
        // integer as it admits a new exchange (it was typed `1 | 2 | 3`: a hostile tester).
        const nullable = (Array.isArray(child.type) && child.type.includes('null')) || child.enum!.includes(null);
        const opened = openKinds(child.enum!).map((kind) => (kind === 'boolean' ? 'boolean' : `(${kind} & {})`));
        out.tsType = grouped([...new Set([...child.enum!.map((value) => JSON.stringify(value)), ...opened, ...(nullable ? ['null'] : [])])]);
      }
      const known = child['x-known-values'];
      if (known && out.tsType === undefined) {
        const nullable = Array.isArray(child.type) && child.type.includes('null');
        out.tsType = grouped([...known.map((value) => JSON.stringify(value)), '(string & {})', ...(nullable ? ['null'] : [])]);
      }
      return out;
    });
    const title = received(name);
    const own = withFieldNotes(node.description, node, !messageTitles.has(name));
    const description = `${typeof own === 'string' ? `${own}\n\n` : ''}As a consumer receives it: a closed list also admits values a newer producer may add (tolerant validation reports them as notices). Producers build \`${name}\` (types.ts).`;
    const declaration = await compile({ ...open, title, description } as never, title, {
      bannerComment: '',
      additionalProperties: false,
      declareExternallyReferenced: true,
      strictIndexSignatures: false,
      ignoreMinAndMaxItems: true, // arrays, as in types.ts (see there)
      format: false,
    });
    declarations.push(declaration.trim());
  }

  // Each message, each payload (`data`, a definition) and each definition they use gets its
  // `Received` name, an alias where it holds no closed list: a consumer writes
  // `(data: ReceivedWhaleData) => …` as it writes `ReceivedTradeData`, without knowing which
  // hold a closed list, and keeps the open type if a later contract adds one (tBL F5, tHV F4).
  const aliased = [...new Set([...contract.messages.map((m) => m.title), ...contract.messages.map(payloadOf), ...Object.keys(definitions)])]
    .filter((name): name is string => name !== undefined && !opens.has(name));
  const aliases = aliased.map((name) => {
    producerNames.add(name);
    return `/** As a consumer receives it: the same as {@link ${name}}, which holds no closed list. */\nexport type ${RECEIVED_PREFIX}${name} = ${name};`;
  });
  const names = (messages: MessageSchema[]) => union(messages.map((m) => RECEIVED_PREFIX + m.title));
  const enveloped = contract.messages.filter((m) => m.enveloped);
  const example = enveloped.find((m) => m.type === 'trades') ?? enveloped[0]!;
  const text = `// Generated by \`npm run generate\` from schemas/*.json. Do not edit.
// Consumer-facing types: a closed list (enum) also admits values a newer producer may add.

import type { ${[...producerNames].sort().join(', ')} } from './types.js';

${declarations.join('\n\n')}

${aliases.join('\n\n')}

/** Any message as a tolerant consumer receives it. */
export type ${RECEIVED_PREFIX}Message = ${names(contract.messages)};

/** Messages the server sends, as a client receives them. */
export type ${RECEIVED_PREFIX}ServerMessage = ${names(contract.messages.filter((m) => directionsOf(m).includes('server-to-client')))};

/** Messages a client sends, as the server receives them (the server validates them strictly, so these equal the producer types). */
export type ${RECEIVED_PREFIX}ClientMessage = ${union(contract.messages.filter((m) => directionsOf(m).includes('client-to-server')).map((m) => m.title))};

/** Message type → message as received, e.g. \`${RECEIVED_PREFIX}MessageMap[${JSON.stringify(example.type).replaceAll('"', "'")}]\` is \`${RECEIVED_PREFIX}${example.title}\`. */
export interface ${RECEIVED_PREFIX}MessageMap {
${contract.messages.map((m) => `  ${JSON.stringify(m.type)}: ${RECEIVED_PREFIX}${m.title};`).join('\n')}
}

/** Message type → its \`data\` payload as received, e.g. \`${RECEIVED_PREFIX}MessageDataMap[${JSON.stringify(example.type).replaceAll('"', "'")}]\` is \`${RECEIVED_PREFIX}${example.title}['data']\`. */
export interface ${RECEIVED_PREFIX}MessageDataMap {
${enveloped.map((m) => `  ${JSON.stringify(m.type)}: ${RECEIVED_PREFIX}${m.title}['data'];`).join('\n')}
}
`;
  // ClientMessage members are producer names: make sure they are imported.
  const clientNames = contract.messages.filter((m) => directionsOf(m).includes('client-to-server')).map((m) => m.title);
  const missing = clientNames.filter((name) => !producerNames.has(name));
  const withImports = missing.length === 0 ? text : text.replace(`import type { ${[...producerNames].sort().join(', ')} }`, `import type { ${[...producerNames, ...missing].sort().join(', ')} }`);
  return new Map([['received-types.ts', await format(withImports, { parser: 'typescript', singleQuote: true, printWidth: 120 })]]);
}

/** The definition a message's `data` refers to (`WhaleData`), or undefined when it has no `data` (ping) or writes it in place. */
function payloadOf(message: MessageSchema): string | undefined {
  const ref = message.schema.properties?.['data']?.$ref;
  return ref?.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : undefined;
}

/** The directions of a message, whether the model holds one (`direction`) or several (`directions`). */
function directionsOf(message: MessageSchema): string[] {
  const model = message as MessageSchema & { directions?: readonly string[] };
  if (Array.isArray(model.directions)) return [...model.directions];
  const direction = (message as { direction?: string | string[] }).direction;
  return Array.isArray(direction) ? direction : direction ? [direction] : [];
}

/** Whether `node` is a closed list tolerant validation opens: an `enum` of a type it takes new values of ({@link openKinds}). */
function opensList(node: SchemaNode): boolean {
  return Array.isArray(node.enum) && openKinds(node.enum).length > 0;
}

/** Definitions whose tree, following `$ref`s, holds a closed list tolerant validation opens (the `type` const is none). */
function closedListHolders(definitions: Record<string, SchemaNode>): Set<string> {
  const direct = new Map<string, { enum: boolean; refs: Set<string> }>();
  for (const [name, node] of Object.entries(definitions)) {
    const facts = { enum: false, refs: new Set<string>() };
    mapSchema(node, (child) => {
      if (opensList(child)) facts.enum = true;
      if (child.$ref?.startsWith('#/definitions/')) facts.refs.add(child.$ref.slice('#/definitions/'.length));
      return child;
    });
    direct.set(name, facts);
  }
  const holders = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const [name, facts] of direct) {
      if (holders.has(name)) continue;
      if (facts.enum || [...facts.refs].some((ref) => holders.has(ref))) {
        holders.add(name);
        grew = true;
      }
    }
  }
  return holders;
}

function union(members: string[]): string {
  return members.length === 0 ? 'never' : members.join(' | ');
}
