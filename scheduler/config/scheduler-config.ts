/**
 * The scheduler's configuration file (YAML or JSON), shaped like KubeSchedulerConfiguration:
 *
 *   percentageOfNodesToScore: 0      # 0 = adaptive (50% minus 1% per 125 nodes, at least 5%)
 *   podInitialBackoffSeconds: 1
 *   podMaxBackoffSeconds: 10
 *   profiles:
 *   - schedulerName: bin-packing
 *     plugins:
 *       multiPoint: { disabled: [{ name: InterPodAffinity }] }
 *       score: { enabled: [{ name: NodeResourcesFit, weight: 5 }], disabled: [{ name: NodeResourcesBalancedAllocation }] }
 *     pluginConfig:
 *     - name: NodeResourcesFit
 *       args: { scoringStrategy: { type: MostAllocated } }
 *
 * Every profile starts from the default plugin set; multiPoint.disabled removes a plugin everywhere
 * (`*` removes all defaults), multiPoint.enabled adds one, and each extension point's disabled list
 * removes a plugin from just that point. Errors name the field and the fix.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { isObject } from '../../api/meta.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const EXTENSION_POINTS = ['multiPoint', 'preFilter', 'filter', 'postFilter', 'preScore', 'score', 'reserve', 'permit', 'bind'] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

export interface PluginRef {
  name: string;
  weight?: number;
}

export interface PluginSet {
  enabled: PluginRef[];
  disabled: PluginRef[];
}

export interface ProfileConfig {
  schedulerName: string;
  plugins: Partial<Record<ExtensionPoint, PluginSet>>;
  pluginConfig: { name: string; args: Record<string, unknown> }[];
  percentageOfNodesToScore?: number;
}

export interface SchedulerConfig {
  percentageOfNodesToScore: number;
  podInitialBackoffSeconds: number;
  podMaxBackoffSeconds: number;
  /** Binds in flight at once: binding is asynchronous so the next pod is scheduled while earlier binds travel. */
  parallelBinds: number;
  profiles: ProfileConfig[];
}

export class ConfigError extends Error {
  constructor(field: string, message: string) {
    super(`scheduler config: ${field}: ${message}`);
    this.name = 'ConfigError';
  }
}

export function defaultConfig(): SchedulerConfig {
  return { percentageOfNodesToScore: 0, podInitialBackoffSeconds: 1, podMaxBackoffSeconds: 10, parallelBinds: 256, profiles: [defaultProfile()] };
}

function defaultProfile(): ProfileConfig {
  return { schedulerName: DEFAULT_SCHEDULER_NAME, plugins: {}, pluginConfig: [] };
}

const TOP_FIELDS = ['apiVersion', 'kind', 'percentageOfNodesToScore', 'podInitialBackoffSeconds', 'podMaxBackoffSeconds', 'parallelBinds', 'profiles'];

function intField(obj: Record<string, unknown>, field: string, path: string, min: number, max: number, fallback: number): number {
  const v = obj[field];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError(`${path}${field}`, `must be an integer from ${min} to ${max}, not ${JSON.stringify(v)}`);
  }
  return v;
}

function unknownFields(obj: Record<string, unknown>, known: readonly string[], path: string): void {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) throw new ConfigError(`${path}${k}`, `unknown field; known fields are ${known.join(', ')}`);
  }
}

function parsePluginRefs(value: unknown, path: string, knownPlugins: ReadonlySet<string>, allowStar: boolean): PluginRef[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError(path, 'must be a list of {name, weight}');
  return value.map((ref, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(ref)) throw new ConfigError(p, 'must be an object like {name: NodeResourcesFit, weight: 1}');
    unknownFields(ref, ['name', 'weight'], `${p}.`);
    const name = ref.name;
    if (typeof name !== 'string' || !(knownPlugins.has(name) || (allowStar && name === '*'))) {
      throw new ConfigError(`${p}.name`, `unknown plugin ${JSON.stringify(name)}; known plugins are ${[...knownPlugins].join(', ')}`);
    }
    const weight = ref.weight === undefined ? undefined : intField(ref, 'weight', `${p}.`, 1, 100, 1);
    return weight === undefined ? { name } : { name, weight };
  });
}

function parseProfile(value: unknown, path: string, knownPlugins: ReadonlySet<string>): ProfileConfig {
  if (!isObject(value)) throw new ConfigError(path, 'must be an object with schedulerName, plugins and pluginConfig');
  unknownFields(value, ['schedulerName', 'plugins', 'pluginConfig', 'percentageOfNodesToScore'], `${path}.`);
  const schedulerName = value.schedulerName ?? DEFAULT_SCHEDULER_NAME;
  if (typeof schedulerName !== 'string' || !schedulerName) throw new ConfigError(`${path}.schedulerName`, 'must be a non-empty string');
  const plugins: ProfileConfig['plugins'] = {};
  if (value.plugins !== undefined) {
    if (!isObject(value.plugins)) throw new ConfigError(`${path}.plugins`, `must be an object keyed by extension point (${EXTENSION_POINTS.join(', ')})`);
    unknownFields(value.plugins, EXTENSION_POINTS, `${path}.plugins.`);
    for (const point of EXTENSION_POINTS) {
      const set = value.plugins[point];
      if (set === undefined) continue;
      const p = `${path}.plugins.${point}`;
      if (!isObject(set)) throw new ConfigError(p, 'must be an object with enabled and/or disabled lists');
      unknownFields(set, ['enabled', 'disabled'], `${p}.`);
      plugins[point] = { enabled: parsePluginRefs(set.enabled, `${p}.enabled`, knownPlugins, false), disabled: parsePluginRefs(set.disabled, `${p}.disabled`, knownPlugins, true) };
    }
  }
  const pluginConfig: ProfileConfig['pluginConfig'] = [];
  if (value.pluginConfig !== undefined) {
    if (!Array.isArray(value.pluginConfig)) throw new ConfigError(`${path}.pluginConfig`, 'must be a list of {name, args}');
    value.pluginConfig.forEach((pc: unknown, i: number) => {
      const p = `${path}.pluginConfig[${i}]`;
      if (!isObject(pc) || typeof pc.name !== 'string' || !knownPlugins.has(pc.name)) {
        throw new ConfigError(`${p}.name`, `must name a known plugin (${[...knownPlugins].join(', ')})`);
      }
      unknownFields(pc, ['name', 'args'], `${p}.`);
      if (pc.args !== undefined && !isObject(pc.args)) throw new ConfigError(`${p}.args`, 'must be an object');
      pluginConfig.push({ name: pc.name, args: (pc.args as Record<string, unknown> | undefined) ?? {} });
    });
  }
  const profile: ProfileConfig = { schedulerName, plugins, pluginConfig };
  if (value.percentageOfNodesToScore !== undefined) profile.percentageOfNodesToScore = intField(value, 'percentageOfNodesToScore', `${path}.`, 0, 100, 0);
  return profile;
}

/** Validates a parsed configuration document. */
export function parseSchedulerConfig(doc: unknown, knownPlugins: ReadonlySet<string>): SchedulerConfig {
  const base = defaultConfig();
  if (doc === undefined || doc === null) return base;
  if (!isObject(doc)) throw new ConfigError('(root)', 'must be an object (a KubeSchedulerConfiguration-like document)');
  unknownFields(doc, TOP_FIELDS, '');
  const config: SchedulerConfig = {
    percentageOfNodesToScore: intField(doc, 'percentageOfNodesToScore', '', 0, 100, base.percentageOfNodesToScore),
    podInitialBackoffSeconds: intField(doc, 'podInitialBackoffSeconds', '', 0, 3600, base.podInitialBackoffSeconds),
    podMaxBackoffSeconds: intField(doc, 'podMaxBackoffSeconds', '', 0, 3600, base.podMaxBackoffSeconds),
    parallelBinds: intField(doc, 'parallelBinds', '', 1, 10_000, base.parallelBinds),
    profiles: base.profiles,
  };
  if (config.podMaxBackoffSeconds < config.podInitialBackoffSeconds) {
    throw new ConfigError('podMaxBackoffSeconds', `must be at least podInitialBackoffSeconds (${config.podInitialBackoffSeconds})`);
  }
  if (doc.profiles !== undefined) {
    if (!Array.isArray(doc.profiles) || doc.profiles.length === 0) throw new ConfigError('profiles', 'must be a non-empty list of profiles');
    config.profiles = doc.profiles.map((p: unknown, i: number) => parseProfile(p, `profiles[${i}]`, knownPlugins));
    const names = new Set<string>();
    for (const [i, p] of config.profiles.entries()) {
      if (names.has(p.schedulerName)) throw new ConfigError(`profiles[${i}].schedulerName`, `duplicate profile ${JSON.stringify(p.schedulerName)}: each profile needs its own name`);
      names.add(p.schedulerName);
    }
  }
  return config;
}

export async function loadSchedulerConfig(path: string, knownPlugins: ReadonlySet<string>): Promise<SchedulerConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, `cannot read: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(path, `not valid YAML or JSON: ${(err as Error).message}`);
  }
  return parseSchedulerConfig(doc, knownPlugins);
}
