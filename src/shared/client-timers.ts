/**
 * The client's timer figures that `generate` holds the contract to (src/codegen/check.ts): a module
 * of its own, importing nothing, so that the browser client bundles these two numbers alone.
 */

/** The longest wait the client sets, ms (23 days): a timer set past 2^31 - 1 ms fires at once. */
export const CLIENT_MAX_TIMER_MS = 2e9;

/** What the client's default poll timeout adds to the contract's poll hold, ms: the time for the answer to come back. */
export const POLL_TIMEOUT_MARGIN_MS = 15_000;
