import { describe, expectTypeOf, it } from 'vitest';
import { parseMessage, validateMessage, type ClientMessage, type ReceivedMessage, type ReceivedServerMessage, type ServerMessage, type Frame, type ValidationError, type ValidationOptions, type ValidationResult } from '../../src/index.js';

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

  it("takes a wrapper's optional options as they are (`undefined` included: strict, as documented), typed as received", () => {
    // A pass-through wrapper failed to compile ("No overload matches this call") without `options ?? {}` (tAB F6).
    const check = (value: unknown, options?: ValidationOptions) => validateMessage(value, options);
    const parse = (frame: Frame, options?: ValidationOptions) => parseMessage(frame, options);
    expectTypeOf(check).returns.toEqualTypeOf<ValidationResult<ReceivedMessage>>();
    expectTypeOf(parse).returns.toEqualTypeOf<ValidationResult<ReceivedMessage>>();
    const options: ValidationOptions | undefined = undefined as ValidationOptions | undefined;
    expectTypeOf(validateMessage(null, options)).toEqualTypeOf<ValidationResult<ReceivedMessage>>();
    expectTypeOf(parseMessage('', options)).toEqualTypeOf<ValidationResult<ReceivedMessage>>();
    // A literal call keeps its own overload: strict, a Message.
    expectTypeOf(validateMessage(null, undefined)).toEqualTypeOf<ValidationResult>();
  });
});
