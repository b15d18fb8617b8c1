import { checkDateTime } from './date-time.js';

/**
 * The string formats the schemas use, keyed by JSON Schema `format` name. The generated
 * validators call these (ajv standalone `code.formats`) with the call's mode as a second
 * argument (`false` in tolerant mode: any RFC 3339 date-time), and the TypeBox module
 * registers them, called with the value alone: strict, the producer profile, like the
 * TypeBox schemas' closed objects.
 */
export const formats = {
  'date-time': dateTimeFormat,
} as const;

/**
 * The `date-time` format (RFC 3339): `producer` (default true) is the strict profile.
 */
export function dateTimeFormat(value: unknown, producer = true): boolean {
  return checkDateTime(value, producer);
}

/**
 * What the generated validators call, with the call's mode (`producer` true in strict mode):
 * by name, not through {@link formats}, so a bundle that keeps only the keepalive validators
 * drops it, and without {@link dateTimeFormat}'s default, one call less per timestamp.
 */
export { checkDateTime };
