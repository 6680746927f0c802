import { describe, expect, it } from '@jest/globals';
import { DEFAULT_PLUGINS, pluginRegistry } from '../plugins/registry.js';
import { resolvePlugins } from './build-profile.js';
import { ConfigError, parseSchedulerConfig } from './scheduler-config.js';

const known = new Set(pluginRegistry.keys());
const parse = (doc: unknown) => parseSchedulerConfig(doc, known);

describe('scheduler configuration', () => {
  it('defaults to one default-scheduler profile with adaptive node sampling', () => {
    const c = parse(undefined);
    expect(c.profiles.map((p) => p.schedulerName)).toEqual(['default-scheduler']);
    expect(c.percentageOfNodesToScore).toBe(0);
    expect(resolvePlugins(c.profiles[0]!, DEFAULT_PLUGINS).enabled).toEqual(DEFAULT_PLUGINS);
  });

  it('lets a profile drop plugins everywhere, re-weight scores and disable a plugin at one point', () => {
    const c = parse({
      percentageOfNodesToScore: 20,
      profiles: [{
        schedulerName: 'packer',
        plugins: { multiPoint: { disabled: [{ name: 'InterPodAffinity' }] }, score: { enabled: [{ name: 'NodeResourcesFit', weight: 5 }], disabled: [{ name: 'NodeResourcesBalancedAllocation' }] } },
        pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }],
      }],
    });
    const { enabled, disabledAt } = resolvePlugins(c.profiles[0]!, DEFAULT_PLUGINS);
    expect(enabled.map((e) => e.name)).not.toContain('InterPodAffinity');
    expect(enabled.find((e) => e.name === 'NodeResourcesFit')?.weight).toBe(5);
    expect(disabledAt.get('score')?.has('NodeResourcesBalancedAllocation')).toBe(true);
    expect(c.profiles[0]!.pluginConfig[0]!.args).toEqual({ scoringStrategy: { type: 'MostAllocated' } });
  });

  it.each([
    [{ percentageOfNodesToScore: 150 }, /percentageOfNodesToScore: must be an integer from 0 to 100, not 150/],
    [{ podInitialBackoffSeconds: 10, podMaxBackoffSeconds: 5 }, /podMaxBackoffSeconds: must be at least podInitialBackoffSeconds \(10\)/],
    [{ profiles: [] }, /profiles: must be a non-empty list/],
    [{ profiles: [{ schedulerName: 'a' }, { schedulerName: 'a' }] }, /profiles\[1\]\.schedulerName: duplicate profile "a"/],
    [{ profiles: [{ plugins: { score: { enabled: [{ name: 'Magic' }] } } }] }, /profiles\[0\]\.plugins\.score\.enabled\[0\]\.name: unknown plugin "Magic"; known plugins are NodeUnschedulable/],
    [{ profiles: [{ plugins: { sort: {} } }] }, /profiles\[0\]\.plugins\.sort: unknown field; known fields are multiPoint/],
    [{ profiles: [{ plugins: { score: { enabled: [{ name: 'NodeAffinity', weight: 0 }] } } }] }, /weight: must be an integer from 1 to 100, not 0/],
    [{ bogus: 1 }, /bogus: unknown field/],
  ])('refuses %j naming the field and the fix', (doc, message) => {
    expect(() => parse(doc)).toThrow(ConfigError);
    expect(() => parse(doc)).toThrow(message);
  });
});
