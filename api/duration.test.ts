import { describe, expect, it } from '@jest/globals';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250], ['1.5s', 1500], ['1h2m3.5s', 3_723_500], ['0', 0], ['2m', 120_000], ['1500us', 1.5], ['-1s', -1000], ['.5s', 500],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['', /invalid duration "": must be a duration such as "250ms"/],
    ['10', /missing unit after "10"/],
    ['1.5', /missing unit after "1.5"/],
    ['5 s', /unexpected "5 s"/],
    ['3d', /unexpected "3d".*units: ns, us, ms, s, m, h/],
    ['1s2', /missing unit after "2"/],
  ])('rejects %j with a message saying why and what is expected', (text, message) => {
    expect(() => parseDuration(text)).toThrow(message);
  });
});
