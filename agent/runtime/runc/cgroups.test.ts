import { describe, expect, it } from '@jest/globals';
import { parseOomKills } from './cgroups.js';

describe('parseOomKills', () => {
  it('reads v1 memory.oom_control and v2 memory.events', () => {
    expect(parseOomKills('oom_kill_disable 0\nunder_oom 0\noom_kill 2\n')).toBe(2);
    expect(parseOomKills('low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\noom_group_kill 0\n')).toBe(1);
    expect(parseOomKills('')).toBe(0);
  });
});
