import type { Logger } from './core.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * `logger` with every method contained: a logger that throws (a closed transport, a full disk)
 * loses that line, never the request or the process. A refusal's log line threw in a promise
 * callback, and the unhandled rejection ended the process (a hostile tester). A method that
 * returns a promise (an `async` logger shipping lines to a sink that is down) has its rejection
 * handled the same way: left unhandled, it ended the process on Node's default
 * `--unhandled-rejections=throw`, from any client's refused upgrade (tAT F1).
 * Shared by the server and the Redis store (`createRedisStreamStore`'s `logger`), which called
 * its logger raw: a throwing one failed the start with the connections open, and ended the
 * process from an ioredis event handler when Redis went away (tAT F4).
 * Methods are called on `logger` (pino needs its `this`), with the arguments they were given;
 * `debug` is wrapped when `logger` has one.
 */
export function containedLogger<L extends Pick<Logger, 'info' | 'warn' | 'error'> & { debug?: Logger['debug'] }>(logger: L): L {
  const contained =
    (level: Level) =>
    (object: object, message?: string): void => {
      try {
        const returned: unknown = message === undefined ? logger[level]!(object) : logger[level]!(object, message);
        // A thenable's rejection, handled; both callbacks given, for a thenable that calls the first without
        // checking it is one (tAU F1: "onFulfilled is not a function" ended the process); its `then` may throw (caught below).
        if ((typeof returned === 'object' || typeof returned === 'function') && returned !== null) {
          const then = (returned as { then?: unknown }).then;
          if (typeof then === 'function') then.call(returned, ignore, ignore);
        }
      } catch {
        // Nowhere left to say it.
      }
    };
  return { info: contained('info'), warn: contained('warn'), error: contained('error'), ...(logger.debug === undefined ? {} : { debug: contained('debug') }) } as L;
}

function ignore(): void {
  // The line is lost: there is nowhere left to say so.
}
