import { describe, expect, it } from '@jest/globals';
import { parseChallenge } from './registry-auth.js';

describe('parseChallenge', () => {
  it('reads a bearer challenge with quoted parameters', () => {
    expect(parseChallenge('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:library/busybox:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:library/busybox:pull' },
    });
  });

  it('reads basic challenges, unquoted values, escapes and commas inside quotes', () => {
    expect(parseChallenge('Basic realm="cairn lab"')).toEqual({ scheme: 'basic', params: { realm: 'cairn lab' } });
    expect(parseChallenge('Bearer realm=http://t/token, scope="repository:a:pull,push", error="insufficient_scope", note="say \\"hi\\""')).toEqual({
      scheme: 'bearer',
      params: { realm: 'http://t/token', scope: 'repository:a:pull,push', error: 'insufficient_scope', note: 'say "hi"' },
    });
  });

  it('returns undefined for an empty header', () => {
    expect(parseChallenge('')).toBeUndefined();
  });
});
