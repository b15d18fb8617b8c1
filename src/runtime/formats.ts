import { isDateTime } from './date-time.js';

/**
 * The string formats the schemas use, keyed by JSON Schema `format` name. The generated
 * validators call these (ajv standalone `code.formats`), and the TypeBox module registers them.
 */
export const formats = {
  'date-time': isDateTime,
} as const;
