import { describe, expect, it } from '@jest/globals';
import { expand } from './expansion.js';

const vars: Record<string, string> = { A: 'x', B: 'y', EMPTY: '' };
const lookup = (name: string): string | undefined => vars[name];

describe('expand ($(VAR) as the kubelet expands it)', () => {
  it.each([
    ['$(A)', 'x'],
    ['pre-$(A)-$(B)-post', 'pre-x-y-post'],
    ['$(EMPTY)|', '|'],
    ['$(MISSING)', '$(MISSING)'],
    ['$$(A)', '$(A)'],
    ['$$', '$'],
    ['$A $', '$A $'],
    ['$(A', '$(A'],
    ['$(A $$ $(A', '$(A $ $(A'], // an unterminated reference does not end the scan
    ['$()', '$()'],
    ['no vars', 'no vars'],
  ])('%s → %s', (input, want) => {
    expect(expand(input, lookup)).toBe(want);
  });
});
