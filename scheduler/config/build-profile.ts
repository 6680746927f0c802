/** Turns a profile's configuration into a running Framework: which plugins, at which points, with what weights and args. */
import { Framework, type NominatedPods, type ProfilePlugins } from '../framework/framework.js';
import {
  isBind, isFilter, isPermit, isPostFilter, isPreFilter, isPreScore, isReserve, isScore,
  PluginArgsError, type FrameworkHandle, type Plugin, type PluginFactory,
} from '../framework/types.js';
import { ConfigError, type ExtensionPoint, type ProfileConfig } from './scheduler-config.js';

export interface PluginDefault {
  name: string;
  weight: number;
}

/** The plugins a profile ends up with, by name and score weight (0: not scoring). */
export function resolvePlugins(profile: ProfileConfig, defaults: readonly PluginDefault[]): { enabled: PluginDefault[]; disabledAt: Map<ExtensionPoint, Set<string>> } {
  const multi = profile.plugins.multiPoint;
  const disabledEverywhere = new Set((multi?.disabled ?? []).map((r) => r.name));
  let enabled = disabledEverywhere.has('*') ? [] : defaults.filter((d) => !disabledEverywhere.has(d.name)).map((d) => ({ ...d }));
  for (const ref of multi?.enabled ?? []) {
    const existing = enabled.find((e) => e.name === ref.name);
    if (existing) existing.weight = ref.weight ?? existing.weight;
    else enabled.push({ name: ref.name, weight: ref.weight ?? defaults.find((d) => d.name === ref.name)?.weight ?? 1 });
  }
  const disabledAt = new Map<ExtensionPoint, Set<string>>();
  for (const [point, set] of Object.entries(profile.plugins) as [ExtensionPoint, { enabled: { name: string; weight?: number }[]; disabled: { name: string }[] }][]) {
    if (point === 'multiPoint') continue;
    disabledAt.set(point, new Set(set.disabled.map((r) => r.name)));
    for (const ref of set.enabled) {
      const existing = enabled.find((e) => e.name === ref.name);
      const weight = point === 'score' ? ref.weight ?? 1 : existing?.weight ?? 0;
      if (existing) existing.weight = weight;
      else enabled.push({ name: ref.name, weight });
    }
  }
  enabled = enabled.filter((e, i) => enabled.findIndex((x) => x.name === e.name) === i);
  return { enabled, disabledAt };
}

/**
 * Builds the profile's plugins (validating their args) and places each at every extension point it
 * implements, unless disabled there. Throws ConfigError naming the profile and plugin on bad args.
 */
export function buildFramework(profile: ProfileConfig, registry: ReadonlyMap<string, PluginFactory>, defaults: readonly PluginDefault[],
  handle: Omit<FrameworkHandle, 'framework'>, defaultPercentage: number, nominated: NominatedPods): Framework {
  const { enabled, disabledAt } = resolvePlugins(profile, defaults);
  const plugins: ProfilePlugins = { preFilter: [], filter: [], postFilter: [], preScore: [], score: [], reserve: [], permit: [], bind: [] };
  let framework: Framework | undefined;
  const fullHandle: FrameworkHandle = { ...handle, framework: () => framework! };
  const on = (point: ExtensionPoint, p: Plugin): boolean => !disabledAt.get(point)?.has(p.name) && !disabledAt.get(point)?.has('*');
  for (const { name, weight } of enabled) {
    const args = profile.pluginConfig.find((c) => c.name === name)?.args;
    let plugin: Plugin;
    try {
      plugin = registry.get(name)!(args, fullHandle);
    } catch (err) {
      if (err instanceof PluginArgsError) throw new ConfigError(`profile ${profile.schedulerName}: pluginConfig ${name}.args.${err.field}`, err.message);
      throw err;
    }
    if (isPreFilter(plugin) && on('preFilter', plugin)) plugins.preFilter.push(plugin);
    if (isFilter(plugin) && on('filter', plugin)) plugins.filter.push(plugin);
    if (isPostFilter(plugin) && on('postFilter', plugin)) plugins.postFilter.push(plugin);
    if (isPreScore(plugin) && on('preScore', plugin) && weight > 0) plugins.preScore.push(plugin);
    if (isScore(plugin) && on('score', plugin) && weight > 0) plugins.score.push({ plugin, weight });
    if (isReserve(plugin) && on('reserve', plugin)) plugins.reserve.push(plugin);
    if (isPermit(plugin) && on('permit', plugin)) plugins.permit.push(plugin);
    if (isBind(plugin) && on('bind', plugin)) plugins.bind.push(plugin);
  }
  if (plugins.bind.length === 0) throw new ConfigError(`profile ${profile.schedulerName}: plugins`, 'no bind plugin is enabled: keep DefaultBinder');
  framework = new Framework(profile.schedulerName, plugins, profile.percentageOfNodesToScore ?? defaultPercentage, nominated);
  return framework;
}
