/**
 * SIGINT and SIGTERM for `serve --demo`: one listener for both, from {@link holdStopSignals} on, so that either
 * stops the demo cleanly (exit 0) at any moment, its startup included, and any more of them while it stops change
 * nothing. Without a listener, Node's default action kills the process by the signal (exit 130 or 143).
 *
 * `src/cli/main.ts` holds them first of all when its command is `serve`, before it loads the commands: a supervisor's
 * SIGTERM or a Ctrl-C in the seconds the demo takes to start (5-6 s under load), with no listener yet, killed it by the
 * signal, 143 or 130 (tII F2). `runServe` holds them too, for a caller of its own.
 */

interface Held {
  signalled: boolean;
  requested: Promise<void>;
  listener: () => void;
}

let held: Held | undefined;

/** Installs the listener for SIGINT and SIGTERM, unless it is installed already. */
export function holdStopSignals(): void {
  if (held !== undefined) return;
  let told!: () => void;
  const state: Held = {
    signalled: false,
    requested: new Promise<void>((resolve) => (told = resolve)),
    // The first signal resolves `requested`; later ones do nothing.
    listener: () => {
      state.signalled = true;
      told();
    },
  };
  held = state;
  process.on('SIGINT', state.listener);
  process.on('SIGTERM', state.listener);
}

/** Whether a SIGINT or SIGTERM came since {@link holdStopSignals} (false when they are not held). */
export function stopSignalled(): boolean {
  return held?.signalled ?? false;
}

/** Resolves at the first SIGINT or SIGTERM since {@link holdStopSignals} (at once if one came already); never when they are not held. */
export function stopRequested(): Promise<void> {
  return held?.requested ?? new Promise<void>(() => undefined);
}

/**
 * Removes the listener, whose signals then have their default action again (the process killed by them), and forgets
 * a signal that came. For a caller that goes on after `runServe` in its process (a test): the CLI ends its process with
 * the listener installed, by `process.exit` (in Node's teardown after a natural end the default action was back for
 * 100-350 ms under load, and a second Ctrl-C there ended the stopped demo 130: tII F1).
 */
export function releaseStopSignals(): void {
  if (held === undefined) return;
  process.off('SIGINT', held.listener);
  process.off('SIGTERM', held.listener);
  held = undefined;
}
