/**
 * README "TypeBox schemas in Fastify": with Fastify's default validator settings the TypeBox
 * schemas let through, and rewrite, messages the contract refuses; with the setup README shows
 * (ajv's `coerceTypes` and `removeAdditional` off, the contract's `date-time` check) a route's
 * schema accepts what strict mode accepts, unchanged, and refuses the rest; Fastify's JSON
 * parser, before it, differs where README says (a `__proto__` key, a `constructor.prototype`,
 * a byte-order mark, `bodyLimit`). Requests go through `fastify.inject` (no socket).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { Message, TradesMessage } from '../../generated/typebox.js';
import { isProducerDateTime, parseMessage } from '../../src/index.js';
import { validateMessage } from '../../src/runtime/validate.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
/** A message's schema file, as written in schemas/. */
const contract = (type: string) => JSON.parse(readFileSync(path.resolve(import.meta.dirname, `../../schemas/${type}.json`), 'utf8')) as { examples: unknown[] };

/** Fastify as README sets it up for the TypeBox schemas. */
function readmeFastify(): FastifyInstance {
  return Fastify({
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false },
      onCreate: (ajv) => ajv.addFormat('date-time', isProducerDateTime),
    },
  });
}

/** `app` with a route that echoes a body checked against `TradesMessage`, one against `Message`, and one with a number in its querystring. */
function withRoutes(app: FastifyInstance): FastifyInstance {
  app.post('/trades', { schema: { body: TradesMessage } }, async (request) => request.body);
  app.post('/message', { schema: { body: Message } }, async (request) => request.body);
  app.get('/page', { schema: { querystring: { type: 'object', properties: { limit: { type: 'number' } } } } }, async (request) => request.query);
  return app;
}

const defaults = withRoutes(Fastify());
const readme = withRoutes(readmeFastify());
/** Instances a test set up with other options, closed at the end. */
const opened: FastifyInstance[] = [];
afterAll(() => Promise.all([defaults.close(), readme.close(), ...opened.map((app) => app.close())]));

const ts = '2026-01-14T16:30:00.000Z';
const trade = { id: 'trade_12345', bot_id: 'bot_abc', platform: 'luno', symbol: 'BTC-ZAR', side: 'buy', quantity: 0.001, price: 850000, total: 850, fee: 2.55, status: 'filled', pnl: null, timestamp: ts };
/** Messages strict mode refuses, each with one fault Fastify's defaults would hide. */
const REFUSED: Record<string, Record<string, unknown>> = {
  'price as a string': { type: 'trades', data: { ...trade, price: '850000' }, ts },
  'fee as a boolean': { type: 'trades', data: { ...trade, fee: true }, ts },
  'pnl as ""': { type: 'trades', data: { ...trade, pnl: '' }, ts },
  'an unknown field': { type: 'trades', data: { ...trade, leverage: 10 }, ts },
  'a lower-case t and z in ts': { type: 'trades', data: trade, ts: '2026-01-14t16:30:00.000z' },
  'a leap second in ts': { type: 'trades', data: trade, ts: '2016-12-31T23:59:60Z' },
};

async function post(app: FastifyInstance, url: string, body: unknown): Promise<{ status: number; body: string }> {
  const response = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  return { status: response.statusCode, body: response.body };
}

describe('TypeBox schemas as Fastify body schemas', () => {
  it("with Fastify's defaults, let through and rewrite messages strict mode refuses (why README gives a setup)", async () => {
    for (const message of Object.values(REFUSED)) expect(validateMessage(message).ok).toBe(false);
    const echoed = async (name: string) => {
      const response = await post(defaults, '/trades', REFUSED[name]);
      expect(response.status, name).toBe(200);
      return JSON.parse(response.body) as { data: Record<string, unknown>; ts: string };
    };
    expect((await echoed('price as a string')).data.price).toBe(850000);
    expect((await echoed('fee as a boolean')).data.fee).toBe(1);
    expect((await echoed('pnl as ""')).data.pnl).toBe(null);
    expect((await echoed('an unknown field')).data).not.toHaveProperty('leverage');
    expect((await echoed('a lower-case t and z in ts')).ts).toBe('2026-01-14t16:30:00.000z');
    expect((await echoed('a leap second in ts')).ts).toBe('2016-12-31T23:59:60Z');
    // A valid trade too: `pnl: null` (a number or null) is coerced to the first branch's type.
    const valid = { type: 'trades', data: trade, ts };
    expect(validateMessage(valid).ok).toBe(true);
    expect(JSON.parse((await post(defaults, '/trades', valid)).body)).toMatchObject({ data: { pnl: 0 } });
  });

  it("with README's setup, refuse each of them with 400 and where", async () => {
    const refusals = await Promise.all(Object.entries(REFUSED).map(async ([name, message]) => [name, await post(readme, '/trades', message)] as const));
    for (const [name, response] of refusals) expect(response.status, name).toBe(400);
    const messages = Object.fromEntries(refusals.map(([name, response]) => [name, (JSON.parse(response.body) as { message: string }).message]));
    expect(messages['price as a string']).toBe('body/data/price must be number');
    expect(messages['fee as a boolean']).toBe('body/data/fee must be number');
    expect(messages['an unknown field']).toBe('body/data must NOT have additional properties');
    expect(messages['a lower-case t and z in ts']).toBe('body/ts must match format "date-time"');
    expect(messages['a leap second in ts']).toBe('body/ts must match format "date-time"');
  });

  it("with README's setup, judge every fixture as strict mode does, and pass accepted messages on unchanged", async () => {
    const cases = (['valid', 'invalid'] as const).flatMap((folder) =>
      readdirSync(path.join(FIXTURES, folder), { recursive: true, encoding: 'utf8' })
        .filter((file) => /\.(json|ndjson)$/.test(file))
        .sort()
        .flatMap((file) => {
          const text = readFileSync(path.join(FIXTURES, folder, file), 'utf8');
          // A line or file that is not JSON: Fastify's body parser refuses it before any schema.
          const lines = file.endsWith('.ndjson') ? text.split('\n').filter((line) => line.trim() !== '') : [text];
          return lines.flatMap((line, lineIndex) => {
            let value: unknown;
            try {
              value = JSON.parse(line);
            } catch {
              return [];
            }
            const values = folder === 'valid' && Array.isArray(value) ? value : [value];
            return values.map((message, index) => ({ name: `${folder}/${file}:${lineIndex + 1}[${index}]`, message }));
          });
        }),
    );
    const accepted = cases.filter(({ message }) => validateMessage(message, { mode: 'strict' }).ok).length;
    // Both verdicts must occur often, or agreement would prove little.
    expect(accepted).toBeGreaterThan(20);
    expect(cases.length - accepted).toBeGreaterThan(20);
    const disagreements: string[] = [];
    for (const { name, message } of cases) {
      const strict = validateMessage(message, { mode: 'strict' }).ok;
      const response = await post(readme, '/message', message);
      const fastify = response.status === 200 && response.body === JSON.stringify(message);
      if (fastify !== strict) disagreements.push(`${name}: strict ${strict}, Fastify ${response.status} ${response.body.slice(0, 200)}`);
    }
    expect(disagreements).toEqual([]);
  });

  it("with README's setup, check a map's value whatever its key holds: a line break, a carriage return, U+2028 (TypeBox's own map key, ^(.*)$, matched none of them, and such a value went unchecked: tAS F5)", async () => {
    const example = (type: string) => structuredClone(contract(type).examples[0] as { type: string; data: Record<string, unknown> });
    const keys = ['BTC', 'BT\nC', 'BTC\n', '\rBTC', 'a\u2028b', 'a\u2029b', ''];
    const disagreements: string[] = [];
    for (const key of keys) {
      for (const valid of [true, false]) {
        const balances = example('balances');
        balances.data.balances = { [key]: valid ? { free: 1, locked: 0, total: 1 } : { free: 'lots', locked: -1 } };
        const health = example('system_health');
        health.data.exchange_connections = { [key]: valid ? 'connected' : 42 };
        for (const message of [balances, health]) {
          const strict = validateMessage(message, { mode: 'strict' }).ok;
          expect(strict, `${message.type} ${JSON.stringify(key)}`).toBe(valid);
          const response = await post(readme, '/message', message);
          const fastify = response.status === 200 && response.body === JSON.stringify(message);
          if (fastify !== strict) disagreements.push(`${message.type} key ${JSON.stringify(key)}: strict ${strict}, Fastify ${response.status} ${response.body.slice(0, 200)}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });

  it("with README's setup, differ from strict mode only where README says, at Fastify's JSON parser before the schema: a __proto__ key, a constructor.prototype, a byte-order mark, a body past bodyLimit (it said the route takes what strict mode accepts: tBL F3)", async () => {
    const text = (type: string) => JSON.stringify(contract(type).examples[0]);
    const health = text('system_health');
    const aiTask = contract('ai_tasks').examples[0] as { data: { result: Record<string, unknown> } };
    const frames = {
      proto: health.replace(/"exchange_connections":\{"(\w+)"/, '"exchange_connections":{"__proto__"'),
      constructor: JSON.stringify({ ...aiTask, data: { ...aiTask.data, result: { ...aiTask.data.result, constructor: { prototype: { polluted: true } } } } }),
      bom: `\ufeff${health}`,
      large: JSON.stringify({ ...aiTask, data: { ...aiTask.data, result: { ...aiTask.data.result, issues: Array.from({ length: 1 << 17 }, (_, i) => `issue ${i}`) } } }),
    };
    expect(frames.proto).toContain('{"__proto__":"');
    expect(Buffer.byteLength(frames.large)).toBeGreaterThan(1 << 20);
    const strict = Object.fromEntries(Object.entries(frames).map(([name, frame]) => [name, parseMessage(frame).ok]));
    expect(strict).toEqual({ proto: true, constructor: true, bom: false, large: true });
    const send = async (app: FastifyInstance, frame: string) => {
      const response = await app.inject({ method: 'POST', url: '/message', headers: { 'content-type': 'application/json' }, payload: frame });
      return { status: response.statusCode, code: response.statusCode === 200 ? undefined : response.json<{ code: string }>().code, unchanged: response.body === frame.replace(/^\ufeff/, '') };
    };
    expect(await send(readme, frames.proto)).toEqual({ status: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY', unchanged: false });
    expect(await send(readme, frames.constructor)).toEqual({ status: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY', unchanged: false });
    expect(await send(readme, frames.bom)).toEqual({ status: 200, code: undefined, unchanged: true });
    expect(await send(readme, frames.large)).toEqual({ status: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE', unchanged: false });
    // The settings README names: 'ignore' takes both keys unchanged, 'remove' drops them (a changed message), bodyLimit a larger body.
    const withOptions = (options: Record<string, unknown>) => {
      const app = withRoutes(Fastify({ ...options, ajv: { customOptions: { coerceTypes: false, removeAdditional: false }, onCreate: (ajv) => ajv.addFormat('date-time', isProducerDateTime) } }));
      opened.push(app);
      return app;
    };
    const ignoring = withOptions({ onProtoPoisoning: 'ignore', onConstructorPoisoning: 'ignore', bodyLimit: 4 << 20 });
    expect(await send(ignoring, frames.proto)).toEqual({ status: 200, code: undefined, unchanged: true });
    expect(await send(ignoring, frames.constructor)).toEqual({ status: 200, code: undefined, unchanged: true });
    expect(await send(ignoring, frames.large)).toEqual({ status: 200, code: undefined, unchanged: true });
    const removing = withOptions({ onProtoPoisoning: 'remove', onConstructorPoisoning: 'remove' });
    const removed = await removing.inject({ method: 'POST', url: '/message', headers: { 'content-type': 'application/json' }, payload: frames.proto });
    expect(removed.statusCode).toBe(200);
    expect(removed.body).not.toContain('__proto__');
  });

  it("with README's setup, a querystring's number is no longer coerced from its text (the options are the instance's)", async () => {
    expect((await defaults.inject({ method: 'GET', url: '/page?limit=5' })).json()).toEqual({ limit: 5 });
    const response = await readme.inject({ method: 'GET', url: '/page?limit=5' });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ message: string }>().message).toBe('querystring/limit must be number');
  });
});
