#!/usr/bin/env node
/**
 * `realtime-contract`: the CLI (./program.ts). With `serve` or `listen` as the command (the first argument, where commander
 * reads a command's name; no option of this program takes a value before it), SIGINT, SIGTERM and SIGHUP are held first
 * of all ({@link holdStopSignals}), before the seconds of loading the commands: in them, with no listener yet, a
 * supervisor's SIGTERM or a Ctrl-C killed the starting demo by the signal, 143 or 130 (tII F2), and a starting `listen`
 * silently, no report and no `cannot connect` (tIQ F1); held, the demo stops with exit 0 and `listen` ends its attempt,
 * `cannot connect`, exit 2.
 */
import { holdStopSignals } from './stop-signals.js';

if (process.argv[2] === 'serve' || process.argv[2] === 'listen') holdStopSignals();
await import('./program.js');
