/**
 * Checks a poll response body against `schemas/poll-response.json`'s compiled validator before
 * it is sent (outbound validation; generated/docs/messages.md, "Polling fallback").
 */
import { checkPollResponseDocument } from '../../generated/validators.js';

/** null when `body` is a valid PollResponse (strict), else the first fault: pointer and keyword. */
export function checkPollResponse(body: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return '(root) is not JSON';
  }
  const errors = checkPollResponseDocument(value, 'strict');
  if (errors === null) return null;
  const error = errors[0];
  return error ? `${error.instancePath || '(root)'} fails ${error.keyword}` : '(root) is invalid';
}
