import { describe, expect, it } from 'vitest';
import * as contract from '../../generated/contract.js';
import { CLIENT_MESSAGE_TYPES, SERVER_MESSAGE_TYPES } from '../../generated/contract.js';
import { parseMessage } from '../../src/runtime/parse.js';
import { validateMessage } from '../../src/runtime/validate.js';
import { specExample } from './support.js';

describe('direction-aware validation (issue 7, item 4)', () => {
  it('rejects a server-only message sent by a client with its own reason', () => {
    const result = validateMessage(specExample('trades'), { direction: 'client-to-server' });
    expect(result).toMatchObject({ ok: false, reason: 'wrong-direction', errors: [{ pointer: '/type', keyword: 'x-direction', found: '"trades"' }] });
    if (!result.ok) expect(result.errors[0].message).toMatch(/^expected a client-to-server message type \(.*\), got "trades"; a client never sends "trades"$/);
  });

  it('accepts every type in the directions it travels, and only those', () => {
    for (const type of ['connection', 'ping', 'pong', 'trades', 'error']) {
      const message = specExample(type);
      for (const direction of ['client-to-server', 'server-to-client'] as const) {
        const allowed = (direction === 'client-to-server' ? CLIENT_MESSAGE_TYPES : SERVER_MESSAGE_TYPES) as readonly string[];
        const result = validateMessage(message, { direction });
        expect(result.ok ? 'ok' : result.reason, `${type} ${direction}`).toBe(allowed.includes(type) ? 'ok' : 'wrong-direction');
      }
    }
  });

  it("the exported lists cannot be changed: they are the validator's own, and a push made a client's trades valid (found by a fresh user)", () => {
    const unfrozen: string[] = [];
    const visit = (value: unknown, at: string): void => {
      if (typeof value !== 'object' || value === null) return;
      if (!Object.isFrozen(value)) unfrozen.push(at);
      for (const [key, item] of Object.entries(value)) visit(item, `${at}.${key}`);
    };
    const exported = Object.entries(contract).filter(([, value]) => typeof value === 'object' && value !== null);
    expect(exported.map(([name]) => name)).toEqual(expect.arrayContaining(['MESSAGE_TYPES', 'CLIENT_MESSAGE_TYPES', 'SERVER_MESSAGE_TYPES', 'MESSAGE_DIRECTIONS', 'MESSAGE_DELIVERY', 'CLOSE_CODES', 'CloseCode', 'ERROR_CODES', 'ErrorCode']));
    for (const [name, value] of exported) visit(value, name);
    expect(unfrozen).toEqual([]);
    // From JavaScript (or a cast), as the fresh user did: a TypeError in an ES module, and the verdict stays.
    expect(() => (CLIENT_MESSAGE_TYPES as unknown as string[]).push('trades')).toThrow(TypeError);
    expect(() => ((SERVER_MESSAGE_TYPES as unknown as string[]).length = 0)).toThrow(TypeError);
    expect(validateMessage(specExample('trades'), { direction: 'client-to-server' })).toMatchObject({ ok: false, reason: 'wrong-direction' });
    expect(validateMessage(specExample('trades'), { direction: 'server-to-client' }).ok).toBe(true);
  });

  it('lets ping and pong travel both ways (x-direction lists both)', () => {
    for (const type of ['ping', 'pong']) {
      for (const direction of ['client-to-server', 'server-to-client'] as const) expect(validateMessage(specExample(type), { direction }).ok).toBe(true);
    }
  });

  it('still calls an unknown type unknown, and a broken known one invalid', () => {
    expect(validateMessage({ type: 'orders', data: {}, ts: 'x' }, { direction: 'client-to-server' })).toMatchObject({ ok: false, reason: 'unknown-type' });
    expect(validateMessage({ type: 'pong', timestamp: -1 }, { direction: 'client-to-server' })).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('checks the direction before the schema: a client sending a broken trades message is told the direction', () => {
    expect(validateMessage({ type: 'trades' }, { direction: 'client-to-server' })).toMatchObject({ ok: false, reason: 'wrong-direction' });
  });

  it('passes the direction through parseMessage, and refuses a direction that does not exist', () => {
    expect(parseMessage(JSON.stringify(specExample('trades')), { direction: 'client-to-server' })).toMatchObject({ ok: false, reason: 'wrong-direction' });
    expect(() => validateMessage(specExample('pong'), { direction: 'sideways' as 'client-to-server' })).toThrow(TypeError);
  });
});
