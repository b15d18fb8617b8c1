import { describe, expectTypeOf, it } from 'vitest';
import { parseMessage, validateMessage, type ClientMessage, type Message, type ServerMessage, type ValidationError } from '../../src/index.js';

describe('direction narrows the accepted message', () => {
  it('to ClientMessage, ServerMessage or Message', () => {
    const client = validateMessage(null, { direction: 'client-to-server', mode: 'strict' });
    if (client.ok) expectTypeOf(client.message).toEqualTypeOf<ClientMessage>();
    const server = parseMessage('', { direction: 'server-to-client' });
    if (server.ok) expectTypeOf(server.message).toEqualTypeOf<ServerMessage>();
    const any = validateMessage(null, { mode: 'tolerant' });
    if (any.ok) expectTypeOf(any.message).toEqualTypeOf<Message>();
  });

  it('types errors as non-empty, so errors[0] needs no check under noUncheckedIndexedAccess', () => {
    const result = validateMessage(null);
    if (!result.ok) {
      expectTypeOf(result.errors[0]).toEqualTypeOf<ValidationError>();
      expectTypeOf(result.errors[0].message).toEqualTypeOf<string>();
    }
  });
});
