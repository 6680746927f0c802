import { describe, expect, it } from '@jest/globals';
import { parseTaint } from './agent.js';

describe('parseTaint', () => {
  it('reads key=value:Effect and key:Effect as kubectl taint writes them', () => {
    expect(parseTaint('dedicated=db:NoSchedule')).toEqual({ key: 'dedicated', value: 'db', effect: 'NoSchedule' });
    expect(parseTaint('example.com/gpu:NoExecute')).toEqual({ key: 'example.com/gpu', effect: 'NoExecute' });
  });

  it('names the accepted effects when the effect is missing or wrong', () => {
    expect(() => parseTaint('dedicated=db')).toThrow(/NoSchedule, PreferNoSchedule, NoExecute/);
    expect(() => parseTaint('dedicated=db:Sometimes')).toThrow(/invalid taint "dedicated=db:Sometimes"/);
    expect(() => parseTaint('=x:NoSchedule')).toThrow(/key is empty/);
  });
});
