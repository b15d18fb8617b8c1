import { nearestName, preview } from '../runtime/errors.js';
import { withUserInfoShownRedacted } from './secrets.js';

/** Node's longest timer, in ms: a longer delay fires at once (with a TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Whether `value` is an object with a function at each of `methods`: the duck type of an option
 * (an http server, a stream store, a pino-compatible logger with `['info', 'warn', 'error']`).
 */
export function hasMethods(value: unknown, methods: readonly string[]): boolean {
  return typeof value === 'object' && value !== null && methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function');
}

/** The option checks of one Node-side factory, whose errors all start with its name. */
export interface OptionChecks {
  /**
   * `<factory>: <name> must be <expected>, got <found>[; <hint>]`, `found` as {@link shownFound} shows it (an object as "an
   * object", a string cut at 60 characters, a URL's user info `[redacted]`). A string is taken to be of the option's type
   * unless the error is a TypeError (`store: process.env.REDIS_URL`: the length only); `takesString` says otherwise.
   */
  error(Kind: typeof TypeError | typeof RangeError, name: string, expected: string, found: unknown, hint?: string, takesString?: boolean): TypeError | RangeError;
  /**
   * Throws unless `value` is undefined or a number within [min, max] (an integer unless
   * `integer` is false): a TypeError for another type (`'1000'` compared as a number
   * before), a RangeError for NaN or a number out of range. One above `max` that `expected`
   * does not name is told the bound (`; at most 9007199254740991 (Number.MAX_SAFE_INTEGER)`):
   * `maxBytes: 2 ** 53` was told it must be "an integer ≥ 1", which it is (tDF F6).
   */
  number(name: string, value: unknown, min: number, max: number, expected: string, integer?: boolean): void;
  /**
   * Throws a TypeError for the first own key of `options` that is not one of `names` (a
   * misspelt option was ignored, its default taken, silently: `allowedOrigin` let every origin
   * in), with the name it most likely meant, or else the names it takes. `prefix` names the
   * object the options are in (`jwt.`). `elsewhere` maps the names another factory gives the
   * same options to this one's: such a key is said so (`maxMessages is the Redis store's name;
   * here it is maxEntriesPerStream`), where the nearest name would mislead.
   */
  known(options: object, names: readonly string[], prefix?: string, elsewhere?: { names: Readonly<Record<string, string>>; whose: string }): void;
}

/**
 * A value found where an option (or the options object) goes, as an error shows it. A string where the option takes
 * none is said by its length only: it is most likely a secret or a Redis URL with its password given in the wrong
 * place (`createRedisStreamStore(process.env.REDIS_URL)`, `store: process.env.REDIS_URL`, `createRealtimeServer(secret)`:
 * printed up to 60 characters, the whole password of a typical URL: tEC F1), but one that reads as a number or a
 * boolean (`maxBytes: '1000'`, `webSocket: 'false'`) or a duration (`'30s'`), which is shown. Any other string has a URL's user info
 * `[redacted]` (`redis://[redacted]@host`), as `host` and origins are shown (withUserInfoShownRedacted).
 */
export function shownFound(found: unknown, takesString: boolean): string {
  if (typeof found !== 'string') return preview(found);
  // A duration with its unit (`clockToleranceSec: '30s'`, `'5m'`) is no secret either (tEP F3).
  if (takesString || /^\s*(?:[-+]?[\d.,_eE]{0,24}|[-+]?[\d.]{1,24}\s*(?:ms|s|sec|m|min|h|d)|true|false|null|undefined|NaN|[-+]?Infinity|yes|no|on|off)\s*$/i.test(found)) return preview(withUserInfoShownRedacted(found));
  return `a string of ${found.length} characters (not shown: it may be a secret)`;
}

/** The checks of the factory `factory` (`createRealtimeServer`, `createRedisStreamStore`). */
export function optionChecks(factory: string): OptionChecks {
  const error: OptionChecks['error'] = (Kind, name, expected, found, hint, takesString = Kind !== TypeError) =>
    new Kind(`${factory}: ${name} must be ${expected}, got ${shownFound(found, takesString)}${hint === undefined ? '' : `; ${hint}`}`);
  return {
    error,
    number(name, value, min, max, expected, integer = true) {
      if (value === undefined) return;
      if (typeof value !== 'number') throw error(TypeError, name, expected, value);
      if ((integer ? Number.isInteger(value) : Number.isFinite(value)) && value >= min && value <= max) return;
      const above = value > max && (integer ? Number.isInteger(value) : Number.isFinite(value)) && !expected.includes(String(max));
      throw error(RangeError, name, expected, value, above ? `at most ${max}${max === Number.MAX_SAFE_INTEGER ? ' (Number.MAX_SAFE_INTEGER)' : ''}` : undefined);
    },
    known(options, names, prefix = '', elsewhere) {
      const stray = Object.keys(options).find((key) => !names.includes(key));
      if (stray === undefined) return;
      if (elsewhere !== undefined && Object.hasOwn(elsewhere.names, stray)) {
        throw new TypeError(`${factory}: unknown option ${JSON.stringify(prefix + stray)}; ${stray} is ${elsewhere.whose} name; here it is ${prefix + elsewhere.names[stray]}`);
      }
      const near = nearestName(stray, names);
      throw new TypeError(`${factory}: unknown option ${JSON.stringify(prefix + stray.slice(0, 60))}; ${near === undefined ? `it takes ${names.map((name) => prefix + name).join(', ')}` : `did you mean ${JSON.stringify(prefix + near)}?`}`);
    },
  };
}
