import { checkDateTime } from './date-time.js';

/**
 * The string formats the schemas use, keyed by JSON Schema `format` name. The generated
 * validators call these (ajv standalone `code.formats`) with the call's mode as a second
 * argument (`false` in tolerant mode: any RFC 3339 date-time), and the TypeBox module
 * registers them, called with the value alone: strict, the producer profile, like the
 * TypeBox schemas' closed objects.
 */
export const formats = {
  'date-time': (value: unknown, producer = true): boolean => checkDateTime(value, producer),
} as const;
