import { describe, expect, it } from '@jest/globals';
import { PortRange } from './port-range.js';

describe('PortRange', () => {
  it('includes both ends of 30000-32767 and keeps the lowest 86 for explicit requests', () => {
    const r = PortRange.parse('30000-32767');
    expect(r.size).toBe(2768);
    expect(r.offsetOf(30000)).toBe(0);
    expect(r.offsetOf(32767)).toBe(2767);
    expect(r.offsetOf(29999)).toBeUndefined();
    expect(r.offsetOf(32768)).toBeUndefined();
    expect(r.at(5)).toBe(30005);
    expect(r.staticBand).toBe(86);
    expect(r.toString()).toBe('30000-32767');
  });

  it.each(['30000', '32767-30000', '0-100', '1-70000', 'a-b'])('refuses %s', (text) => {
    expect(() => PortRange.parse(text)).toThrow(/node port range/);
  });
});
