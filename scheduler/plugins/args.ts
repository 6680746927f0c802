/** Reading a plugin's `pluginConfig` args: every mistake becomes a PluginArgsError naming the field and the fix. */
import { PluginArgsError } from '../framework/types.js';

export type Args = Record<string, unknown>;

/** kube-scheduler configs carry these beside the real args (`kind: NodeResourcesFitArgs`); they are not settings. */
const TYPE_META = ['apiVersion', 'kind'];

export function isObject(v: unknown): v is Args {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The args (or the nested object at `path`) as an object holding only `known` fields: a misspelt field
 * would otherwise be silently ignored.
 */
export function checkArgs(plugin: string, args: unknown, known: readonly string[], path = ''): Args {
  if (args === undefined || args === null) return {};
  if (!isObject(args)) throw new PluginArgsError(plugin, path || 'args', `must be an object with fields ${known.join(', ')}`);
  for (const field of Object.keys(args)) {
    if (!known.includes(field) && !(path === '' && TYPE_META.includes(field))) {
      const hint = known.length ? `known fields: ${known.join(', ')}` : 'this plugin takes no args; remove its pluginConfig entry';
      throw new PluginArgsError(plugin, path ? `${path}.${field}` : field, `unknown field (${hint})`);
    }
  }
  return args;
}

export function optionalStringList(plugin: string, field: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new PluginArgsError(plugin, field, 'must be a list of strings');
  }
  return value;
}

/** An integer in [min, max]; `fallback` when absent. */
export function integerIn(plugin: string, field: string, value: unknown, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new PluginArgsError(plugin, field, `must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
  }
  return value;
}
