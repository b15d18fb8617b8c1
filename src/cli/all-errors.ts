import { validators } from '../../generated/cli/all-errors-validators.js';
import type { CompiledValidatorError } from '../../generated/validators.js';
import { describeCompiledErrors, validationError, type ValidationError } from '../runtime/errors.js';
import type { ValidationMode } from '../runtime/validate.js';

/**
 * Every fault of `value` (a message whose `type` is known), for `validate --all-errors`: one
 * `ValidationError` per fault, in document order. A value that fails every branch of an `anyOf`
 * (a nullable object with a wrong field) is one fault, described by the branch it nearly matched.
 *
 * @returns the faults; empty when `value` is valid or its type unknown
 */
export function allErrorsOf(value: unknown, mode: ValidationMode): ValidationError[] {
  if (typeof value !== 'object' || value === null) return [];
  const type = (value as { type?: unknown }).type;
  const validate = typeof type === 'string' ? validators[type] : undefined;
  if (!validate || validate.call({ strict: mode !== 'tolerant' }, value)) return [];
  return groupFaults(validate.errors ?? []).map((group) => {
    const { params, instancePath } = group[0]!;
    const unlisted = (params as { unlisted?: number }).unlisted;
    // The count of an object's unknown keys past the ones named (at most 100 per object).
    if (unlisted !== undefined) return validationError(instancePath, 'additionalProperties', 'no property unknown to the schema', `${unlisted} more unknown propert${unlisted === 1 ? 'y' : 'ies'}, not listed (--all-errors names 100 per object)`);
    return describeCompiledErrors(group, value, mode)[0]!;
  });
}

/**
 * ajv reports an `anyOf` failure as the errors of each branch followed by the `anyOf` error
 * itself: those belong together, so the errors just before an `anyOf` error that lie inside its
 * value join its group. Every other error is a fault of its own.
 */
function groupFaults(errors: readonly CompiledValidatorError[]): CompiledValidatorError[][] {
  const groups: CompiledValidatorError[][] = [];
  for (const error of errors) {
    if (error.keyword !== 'anyOf' && error.keyword !== 'oneOf') {
      groups.push([error]);
      continue;
    }
    const inside = (e: CompiledValidatorError) => e.instancePath === error.instancePath || e.instancePath.startsWith(`${error.instancePath}/`);
    const merged: CompiledValidatorError[] = [];
    while (groups.length > 0 && groups.at(-1)!.every(inside)) merged.unshift(...groups.pop()!);
    groups.push([...merged, error]);
  }
  return groups;
}
