import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { generate } from '../../src/codegen/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A generated `checkMessage` or `checkTolerant`: `(type, message, mode?)` → errors or null. */
export type Check = (type: string, data: unknown, mode?: string) => unknown;

export interface TradeValidators {
  /** Every file `generate` wrote, by its name under generated/. */
  files: Map<string, string>;
  strict: Check;
  tolerant: Check;
  /** The `--all-errors` validators, one per message type (mode per call: `this.strict`). */
  every: Record<string, (data: unknown) => boolean>;
}

/**
 * The validators generated from a copy of schemas/ in `work` whose `TradeData` has `properties`
 * added (optional ones, but those named in `required`, which the trades in the examples of
 * trades.json and poll-response.json are given with its value), written as ES modules into
 * `work` and imported: for checks of generated code at boundaries the shipped contract never reaches.
 */
export async function tradeValidatorsWith(work: string, properties: Record<string, object>, required: Record<string, unknown> = {}): Promise<TradeValidators> {
  const dir = path.join(work, 'schemas');
  cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
  const file = path.join(dir, 'trades.json');
  const schema = JSON.parse(readFileSync(file, 'utf8'));
  Object.assign(schema.definitions.TradeData.properties, properties);
  schema.definitions.TradeData.required.push(...Object.keys(required));
  for (const example of schema.examples) Object.assign(example.data, required);
  writeFileSync(file, JSON.stringify(schema, null, 2));
  const poll = path.join(dir, 'poll-response.json');
  const document = JSON.parse(readFileSync(poll, 'utf8'));
  for (const example of document.examples) for (const message of example.messages) if (message.type === 'trades') Object.assign(message.data, required);
  writeFileSync(poll, JSON.stringify(document, null, 2));
  const files = await generate(dir);
  const formats = pathToFileURL(path.join(work, 'formats.mjs')).href;
  writeFileSync(path.join(work, 'formats.mjs'), files.get('formats.js')!);
  for (const name of ['validators.js', 'validators-tolerant.js', 'cli/all-errors-validators.js']) {
    writeFileSync(path.join(work, name.replace(/\//g, '-').replace(/\.js$/, '.mjs')), files.get(name)!.replace(/(["'])\.{1,2}\/formats\.js\1/g, JSON.stringify(formats)));
  }
  const load = async <T>(name: string) => (await import(pathToFileURL(path.join(work, name)).href)) as T;
  return {
    files,
    strict: (await load<{ checkMessage: Check }>('validators.mjs')).checkMessage,
    tolerant: (await load<{ checkTolerant: Check }>('validators-tolerant.mjs')).checkTolerant,
    every: (await load<{ validators: Record<string, (data: unknown) => boolean> }>('cli-all-errors-validators.mjs')).validators,
  };
}
