/**
 * SIGINT, SIGTERM and SIGHUP (a closed terminal, a dropped ssh session; not on Windows) for `serve --demo` and `listen`:
 * one listener for all, from {@link holdStopSignals} on, so that any of them stops the demo cleanly (exit 0), or ends a
 * `listen` run as README says (its report, or `cannot connect` before the upgrade is answered), at any moment, the
 * start included, and any more of them while it stops change nothing. Without a listener, Node's default action kills
 * the process by the signal (exit 130, 143 or 129).
 *
 * `src/cli/main.ts` holds them first of all when its command is `serve` or `listen`, before it loads the commands: a
 * supervisor's SIGTERM or a Ctrl-C in the seconds the CLI takes to start (5-6 s under load), with no listener yet, killed
 * it by the signal, 143 or 130, silently (tII F2, tIQ F1). SIGHUP killed the demo 129, its clients seeing 1006 and no
 * `stopped` (tIQ F2). `runServe` holds them too, for a caller of its own; `runListen` installs its own handler and asks
 * {@link stopSignalled} for one that came before it.
 */

/** The signals held: SIGHUP is not one on Windows. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT', 'SIGTERM'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];

interface Held {
  signal: NodeJS.Signals | undefined;
  requested: Promise<void>;
  listener: (signal: NodeJS.Signals) => void;
}

let held: Held | undefined;

/** Installs the listener for {@link STOP_SIGNALS}, unless it is installed already. */
export function holdStopSignals(): void {
  if (held !== undefined) return;
  let told!: () => void;
  const state: Held = {
    signal: undefined,
    requested: new Promise<void>((resolve) => (told = resolve)),
    // The first signal resolves `requested`; later ones do nothing.
    listener: (signal) => {
      state.signal ??= signal;
      told();
    },
  };
  held = state;
  for (const signal of STOP_SIGNALS) process.on(signal, state.listener);
}

/** Whether a stop signal came since {@link holdStopSignals} (false when they are not held). */
export function stopSignalled(): boolean {
  return held?.signal !== undefined;
}

/** The first stop signal that came since {@link holdStopSignals}, if one did (and they are held). */
export function firstStopSignal(): NodeJS.Signals | undefined {
  return held?.signal;
}

/** Resolves at the first stop signal since {@link holdStopSignals} (at once if one came already); never when they are not held. */
export function stopRequested(): Promise<void> {
  return held?.requested ?? new Promise<void>(() => undefined);
}

/**
 * Removes the listener, whose signals then have their default action again (the process killed by them), and forgets
 * a signal that came. For a caller that goes on after `runServe` in its process (a test): the CLI ends its process with
 * the listener installed, by `process.exit` (in Node's teardown after a natural end the default action was back for
 * 100-350 ms under load, and a second Ctrl-C there ended the stopped demo 130: tII F1; `listen` the same, tIQ F4).
 */
export function releaseStopSignals(): void {
  if (held === undefined) return;
  for (const signal of STOP_SIGNALS) process.off(signal, held.listener);
  held = undefined;
}
