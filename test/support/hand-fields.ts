/**
 * The field lists of the bench's hand-written limit (scripts/bench/hand.ts) against the
 * schemas' properties, type by type. hand.ts is written by hand and knows nothing of the
 * schemas: after a schema edit (a field added, say) it rejects what the strict validator
 * accepts, and the fuzz of test/bench/hand-limit.test.ts finds a bare counterexample. This
 * check says first, in words, which list is out of date.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Contract, SchemaNode } from '../../src/contract/index.js';

export const HAND = path.resolve(import.meta.dirname, '../../scripts/bench/hand.ts');

/**
 * Which hand.ts list holds the fields of each object the messages use, by the definition's
 * name in the contract's bundle. `null`: hand.ts has no list for it and reads each field by
 * name (an object open to other fields): every field must then be read somewhere in hand.ts.
 */
const LISTS: Record<string, string | null> = {
  ConnectionMessage: 'ENVELOPE', ConnectionData: 'CONNECTION',
  PingMessage: 'FLAT', PongMessage: 'FLAT',
  TradesMessage: 'ENVELOPE', TradeData: 'TRADE',
  BotsMessage: 'ENVELOPE', BotData: 'BOT',
  BalancesMessage: 'ENVELOPE', BalancesData: 'BALANCES', AssetBalance: 'ASSET_BALANCE',
  DecisionsMessage: 'ENVELOPE', DecisionData: 'DECISION', MarketData: 'MARKET', ComponentScores: 'SCORES', Sizing: 'SIZING', Stops: 'STOPS',
  MetricsMessage: 'ENVELOPE', MetricsData: 'METRICS',
  WhaleMessage: 'ENVELOPE', WhaleData: 'WHALE',
  AlertsMessage: 'ENVELOPE', AlertData: 'ALERT',
  SystemHealthMessage: 'ENVELOPE', SystemHealthData: 'HEALTH',
  WalletMessage: 'ENVELOPE', WalletData: 'WALLET',
  AiTasksMessage: 'ENVELOPE', AiTaskData: 'AI_TASK', AiTaskResult: null,
  ErrorMessage: 'PLAIN_ENVELOPE', ErrorData: 'ERROR',
};

/** The `const NAME = ['a', 'b'];` lists of hand.ts, by name. */
export function handLists(source: string): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  for (const [, name, items] of source.matchAll(/^const ([A-Z_]+) = \[([^\]]*)\];$/gm)) {
    lists.set(name!, [...items!.matchAll(/'([^']*)'/g)].map((m) => m[1]!));
  }
  return lists;
}

/** Every schema a message reaches, with the definition name or bundle pointer it is reached at, each definition once. */
function reachable(bundle: SchemaNode, start: string): [string, SchemaNode][] {
  const found: [string, SchemaNode][] = [];
  const seen = new Set<string>();
  const walk = (node: SchemaNode | boolean | undefined, at: string): void => {
    if (typeof node !== 'object' || node === null) return;
    found.push([at, node]);
    if (typeof node.$ref === 'string') {
      const name = /^#\/definitions\/(.+)$/.exec(node.$ref)?.[1];
      if (name !== undefined && !seen.has(name)) {
        seen.add(name);
        walk(bundle.definitions?.[name], name);
      }
    }
    if (node.properties) for (const [key, child] of Object.entries(node.properties)) walk(child, `${at}/properties/${key}`);
    walk(node.additionalProperties, `${at}/additionalProperties`);
    walk(node.items, `${at}/items`);
    for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) node[keyword]?.forEach((child, i) => walk(child, `${at}/${keyword}/${i}`));
    walk(node.if, `${at}/if`);
    walk(node.then, `${at}/then`);
    walk(node.else, `${at}/else`);
  };
  walk({ $ref: `#/definitions/${start}` }, start);
  return found;
}

/**
 * For each message type, what is wrong with hand.ts's lists (an empty map: nothing), one
 * sentence per list, e.g. "scripts/bench/hand.ts lists fields a, b for trades (TRADE, the
 * fields of TradeData) but schemas/trades.json has a, b, fee_asset: update the hand-written
 * limit (the bench's yardstick)".
 */
export function handFieldMismatches(contract: Contract, source = readFileSync(HAND, 'utf8')): Map<string, string[]> {
  const lists = handLists(source);
  const problems = new Map<string, string[]>();
  const fix = "update the hand-written limit (the bench's yardstick)";
  for (const message of contract.messages) {
    const said: string[] = [];
    const nodes = reachable(contract.bundle, message.title);
    for (const [name, node] of nodes) {
      if (!node.properties) continue;
      const fields = Object.keys(node.properties!);
      const where = `schemas/${message.file}`;
      if (!(name in LISTS)) {
        said.push(`schemas/${message.file} has an object ${name} (fields ${fields.join(', ')}) that scripts/bench/hand.ts does not check, or test/support/hand-fields.ts does not map to a list of it: ${fix}, and map it here`);
        continue;
      }
      const list = LISTS[name];
      if (list === null) {
        const unread = fields.filter((field) => !new RegExp(`\\.${field}\\b`).test(source));
        if (unread.length > 0) said.push(`scripts/bench/hand.ts never reads ${unread.join(', ')} of ${name} for ${message.type} but ${where} has ${fields.join(', ')}: ${fix}`);
        continue;
      }
      const hand = lists.get(list!);
      if (hand === undefined) {
        said.push(`scripts/bench/hand.ts has no list ${list} (the fields of ${name}, for ${message.type}) as \`const ${list} = ['a', 'b'];\`: ${fix}, or its map in test/support/hand-fields.ts`);
        continue;
      }
      if (hand.length !== fields.length || !fields.every((field) => hand.includes(field))) {
        said.push(`scripts/bench/hand.ts lists fields ${hand.join(', ')} for ${message.type} (${list}, the fields of ${name}) but ${where} has ${fields.join(', ')}: ${fix}`);
      }
    }
    // A value added to a closed list (an exchange to Platform): hand.ts compares with each value
    // as a literal, so one it never names is one it refuses.
    for (const [at, node] of nodes) {
      const unnamed = (node.enum ?? []).filter((value): value is string => typeof value === 'string' && !source.includes(`'${value}'`));
      if (unnamed.length > 0) said.push(`scripts/bench/hand.ts never names ${unnamed.map((value) => JSON.stringify(value)).join(', ')}, listed at ${at} for ${message.type} (schemas/${message.file}): ${fix}`);
    }
    if (said.length > 0) problems.set(message.type, said);
  }
  return problems;
}
