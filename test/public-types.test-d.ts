/**
 * The types a user's code names are importable from the entry point that hands them out, not
 * only reachable as `NonNullable<ValidationSuccess['notices']>[number]` (the declaring files are
 * closed by `exports`: a fresh user).
 */
import { describe, expectTypeOf, it } from 'vitest';
import { validateMessage, type ValidationNotice } from '../src/index.js';
import type { ClientValidationError, InvalidEvent } from '../src/client/index.js';
import { checkInbound, type InboundCheck } from '../src/server/index.js';

describe('types named by the public API are exported beside it', () => {
  it("realtime-contract: ValidationNotice, the element of a tolerant result's notices", () => {
    const result = validateMessage(null, { mode: 'tolerant' });
    if (result.ok) expectTypeOf(result.notices).toEqualTypeOf<ValidationNotice[] | undefined>();
  });

  it("realtime-contract/server: InboundCheck, checkInbound's result", () => {
    expectTypeOf(checkInbound).returns.toEqualTypeOf<InboundCheck>();
  });

  it("realtime-contract/client: ClientValidationError, the element of an invalid event's errors", () => {
    // Never empty, as the root's ValidationErrors: `errors[0]` needs no check under noUncheckedIndexedAccess (tAB F4).
    expectTypeOf<InvalidEvent['errors']>().toEqualTypeOf<[ClientValidationError, ...ClientValidationError[]]>();
    expectTypeOf<InvalidEvent['errors'][0]>().toEqualTypeOf<ClientValidationError>();
  });
});
