/**
 * Imported (`node --import …/held-start.mjs`) by tests of a CLI's start: holds the moment after `src/cli/main.ts` ran its
 * first lines and before its commands are loaded, which takes seconds under load, so that a test can send a signal in it
 * at a known point. When main.ts imports `./program.js`, the resolve hook below writes the file named by
 * RC_HELD_START_MARK, then waits (at most 30 s) for the file RC_HELD_START_GO to exist before it lets the import go on.
 */
import { register } from 'node:module';

register('./held-start-hooks.mjs', import.meta.url);
