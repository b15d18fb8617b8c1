import { describe, expectTypeOf, it } from 'vitest';
import { parseMessage, validateMessage, type ClientMessage, type ReceivedMessage, type ReceivedServerMessage, type ServerMessage, type ValidationError } from '../../src/index.js';

describe('direction narrows the accepted message', () => {
  it('to ClientMessage, ServerMessage or Message (Received… in tolerant mode)', () => {
    const client = validateMessage(null, { direction: 'client-to-server', mode: 'strict' });
    if (client.ok) expectTypeOf(client.message).toEqualTypeOf<ClientMessage>();
    const server = parseMessage('', { direction: 'server-to-client' });
    if (server.ok) expectTypeOf(server.message).toEqualTypeOf<ServerMessage>();
    // Tolerant mode gives the consumer-facing types, closed lists open (issue 13).
    const any = validateMessage(null, { mode: 'tolerant' });
    if (any.ok) expectTypeOf(any.message).toEqualTypeOf<ReceivedMessage>();
    const tolerantServer = parseMessage('', { direction: 'server-to-client', mode: 'tolerant' });
    if (tolerantServer.ok) expectTypeOf(tolerantServer.message).toEqualTypeOf<ReceivedServerMessage>();
  });

  it('types errors as non-empty, so errors[0] needs no check under noUncheckedIndexedAccess', () => {
    const result = validateMessage(null);
    if (!result.ok) {
      expectTypeOf(result.errors[0]).toEqualTypeOf<ValidationError>();
      expectTypeOf(result.errors[0].message).toEqualTypeOf<string>();
    }
  });
});
