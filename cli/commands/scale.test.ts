import { describe, expect, it } from '@jest/globals';
import { parseReplicas, parseScaleTargets } from './scale.js';

describe('cairn scale arguments', () => {
  it('takes TYPE NAME... and TYPE/NAME... as kubectl does', () => {
    expect(parseScaleTargets(['rs', 'web', 'api'])).toEqual({ typeName: 'rs', names: ['web', 'api'] });
    expect(parseScaleTargets(['deploy/web', 'deploy/api'])).toEqual({ typeName: 'deploy', names: ['web', 'api'] });
  });

  it.each([[[]], [['rs']], [['rs/web', 'deploy/api']], [['rs/']]])('refuses %j', (args) => {
    expect(() => parseScaleTargets(args)).toThrow();
  });

  it('takes whole, non-negative replica counts only', () => {
    expect(parseReplicas('0')).toBe(0);
    expect(parseReplicas('12')).toBe(12);
    for (const bad of ['-1', '1.5', 'three', '']) expect(() => parseReplicas(bad)).toThrow('--replicas must be a whole number >= 0');
  });
});
