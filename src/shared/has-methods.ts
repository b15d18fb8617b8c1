/**
 * Whether `value` is an object with a function at each of `methods`: the duck type of an option
 * (an http server, a stream store, a pino-compatible logger with `['info', 'warn', 'error']`).
 */
export function hasMethods(value: unknown, methods: readonly string[]): boolean {
  return typeof value === 'object' && value !== null && methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function');
}
