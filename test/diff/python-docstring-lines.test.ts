/**
 * The Python declaration reader (pythonDeclarations, src/diff/language-code.ts) leaves a field's docstring only at the line
 * that closes it (tIC F21: mutant LC01, which left it at the line after the opening one, survived generated-names.test.ts,
 * whose description has one line): a later line of a longer description shaped `name: text` was read as a field again, so
 * editing it read as a Python field change, a major release (tHV F6's symptom).
 */
import { describe, expect, it } from 'vitest';
import { pythonDeclarations } from '../../src/diff/language-code.js';

const PYTHON = [
  'class TradeData:',
  '    status: TradeDataStatus',
  '    """Filled when done.',
  '    side: a word of the description',
  '    result: another line of it',
  '    """',
  '    price: float',
  '',
].join('\n');

describe('a field docstring of several lines (tIC F21)', () => {
  it('declares no field from any of its lines, the third and later included', () => {
    const fields = pythonDeclarations(PYTHON).fields.get('TradeData');
    expect(fields && Object.fromEntries(fields)).toEqual({ status: 'TradeDataStatus', price: 'float' });
  });
});
