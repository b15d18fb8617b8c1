import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../src/codegen/load.js';
import { FIXTURES } from './support/fixtures.js';

const contract = await loadContract('schemas');
const SPEC = path.join(FIXTURES, 'spec/websocket-message-schemas.md');
const SHARED_SPEC = path.resolve('../shared/spec/websocket-message-schemas.md');

/** The JSON examples of the spec, as text, in order (the envelope sketch is not JSON). */
function specExamples(markdown: string): string[] {
  return [...markdown.matchAll(/```json\n([\s\S]*?)```/g)]
    .map((match) => match[1]!)
    .filter((block) => {
      try {
        JSON.parse(block);
        return true;
      } catch {
        return false;
      }
    });
}

describe('schemas', () => {
  it('has one message schema per message type of the spec, in spec order', () => {
    expect(contract.messages.map((m) => m.type)).toEqual([
      'connection', 'ping', 'pong', 'trades', 'bots', 'balances', 'decisions', 'metrics',
      'whale', 'alerts', 'system_health', 'wallet', 'ai_tasks', 'error',
    ]);
  });

  it('splits messages by direction: only pong goes from client to server', () => {
    expect(contract.messages.filter((m) => m.direction === 'client-to-server').map((m) => m.type)).toEqual(['pong']);
  });

  it('keeps every JSON example of the spec, unchanged, as a schema example and a valid fixture', () => {
    const examples = specExamples(readFileSync(SPEC, 'utf8'));
    expect(examples).toHaveLength(contract.messages.length);
    for (const text of examples) {
      const example = JSON.parse(text) as { type: string };
      const message = contract.messages.find((m) => m.type === example.type)!;
      expect(message.schema.examples, example.type).toContainEqual(example);
      expect(readFileSync(path.join(FIXTURES, 'valid/spec', `${example.type}.json`), 'utf8')).toBe(text);
    }
  });

  it.runIf(existsSync(SHARED_SPEC))('vendors the current spec', () => {
    expect(readFileSync(SPEC, 'utf8')).toBe(readFileSync(SHARED_SPEC, 'utf8'));
  });

  it('uses the envelope { type, data, ts } for every message but ping and pong', () => {
    for (const message of contract.messages) {
      const keys = Object.keys(message.schema.properties ?? {}).sort();
      if (message.type === 'ping' || message.type === 'pong') expect(keys).toEqual(['timestamp', 'type']);
      else expect(keys, message.type).toEqual(['data', 'ts', 'type']);
      expect(message.schema.required).toEqual(message.enveloped ? ['type', 'data', 'ts'] : ['type', 'timestamp']);
    }
  });

  it('describes every field, so types and docs can say what it means', () => {
    const undescribed: string[] = [];
    const visit = (node: Record<string, unknown>, where: string) => {
      for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (typeof child.description !== 'string' && child.$ref === undefined) undescribed.push(`${where}.${name}`);
        visit(child, `${where}.${name}`);
      }
    };
    for (const [file, schema] of contract.files) {
      visit(schema, file);
      for (const [name, definition] of Object.entries(schema.definitions ?? {})) {
        if (typeof definition.description !== 'string') undescribed.push(`${file}#/definitions/${name}`);
        visit(definition, `${file}#/definitions/${name}`);
      }
    }
    expect(undescribed).toEqual([]);
  });

  it('lets balances name "all" besides the exchanges and nothing else', () => {
    const platform = contract.files.get('balances.json')!.definitions!.BalancesData!.properties!.platform!;
    const exchanges = contract.definitions.definitions!.Platform!.enum!;
    expect(platform.enum).toEqual([...exchanges, 'all']);
  });
});
