/**
 * What NodeResourcesFit's and BalancedAllocation's scores compare: per configured resource, the node's
 * requested amount with the incoming pod added, against its allocatable (kube-scheduler's resourceAllocationScorer).
 */
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { isScalarResourceName } from '../framework/resources.js';
import { PluginArgsError } from '../framework/types.js';
import { integerIn, isObject } from './args.js';

export interface ResourceSpec {
  name: string;
  weight: number;
}

export const DEFAULT_SCORED_RESOURCES: readonly ResourceSpec[] = [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }];

const CPU = 0;
const MEMORY = 1;
const EPHEMERAL = 2;
const SCALAR = 3;

function kindOf(name: string): number {
  if (name === 'cpu') return CPU;
  if (name === 'memory') return MEMORY;
  if (name === 'ephemeral-storage') return EPHEMERAL;
  return SCALAR;
}

/** `[{name, weight}]` (weight defaults to 1); absent or empty means cpu and memory, weight 1 each. */
export function parseResourceSpecs(plugin: string, field: string, value: unknown, maxWeight: number): ResourceSpec[] {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return DEFAULT_SCORED_RESOURCES.map((r) => ({ ...r }));
  if (!Array.isArray(value)) throw new PluginArgsError(plugin, field, 'must be a list of {name, weight}');
  const seen = new Set<string>();
  return value.map((r: unknown, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(r) || typeof r.name !== 'string') throw new PluginArgsError(plugin, `${at}.name`, 'must be a resource name, e.g. cpu');
    const name = r.name;
    if (kindOf(name) === SCALAR && !isScalarResourceName(name)) {
      throw new PluginArgsError(plugin, `${at}.name`,
        `unknown resource ${JSON.stringify(name)}: use cpu, memory, ephemeral-storage, hugepages-<size> or an extended resource like example.com/gpu`);
    }
    if (seen.has(name)) throw new PluginArgsError(plugin, `${at}.name`, `${name} is listed twice; list each resource once`);
    seen.add(name);
    return { name, weight: integerIn(plugin, `${at}.weight`, r.weight, 1, maxWeight, 1) };
  });
}

/**
 * Per-resource vectors in the order of the configured specs. `requested` and `allocatable` are scratch
 * filled by `fill` for one node at a time (Score runs synchronously), so scoring allocates nothing.
 */
export class ResourceAllocation {
  readonly weights: Float64Array;
  readonly requested: Float64Array;
  readonly allocatable: Float64Array;
  private readonly kinds: Uint8Array;
  private readonly names: string[];

  /** `nonZero`: count cpu/memory of pods that request none at the kubelet defaults, so they still spread. */
  constructor(specs: readonly ResourceSpec[], private readonly nonZero: boolean) {
    this.names = specs.map((s) => s.name);
    this.kinds = Uint8Array.from(specs, (s) => kindOf(s.name));
    this.weights = Float64Array.from(specs, (s) => s.weight);
    this.requested = new Float64Array(specs.length);
    this.allocatable = new Float64Array(specs.length);
  }

  podRequests(pod: PodInfo): Float64Array {
    const r = pod.requests;
    return Float64Array.from(this.names, (name, i) => {
      switch (this.kinds[i]) {
        case CPU: return this.nonZero ? pod.nonZeroRequests.milliCPU : r.milliCPU;
        case MEMORY: return this.nonZero ? pod.nonZeroRequests.memory : r.memory;
        case EPHEMERAL: return r.ephemeralStorage;
        default: return r.scalar[name] ?? 0;
      }
    });
  }

  /**
   * Fills `requested`/`allocatable` for `node`. An allocatable of 0 tells scorers to leave the resource out:
   * the node lacks it, or it is an extended resource the pod does not ask for (which must not sway the score).
   */
  fill(node: NodeInfo, podRequests: Float64Array): void {
    const used = this.nonZero ? node.nonZeroRequested : node.requested;
    const alloc = node.allocatable;
    for (let i = 0; i < this.kinds.length; i++) {
      const pod = podRequests[i]!;
      switch (this.kinds[i]) {
        case CPU:
          this.allocatable[i] = alloc.milliCPU;
          this.requested[i] = used.milliCPU + pod;
          break;
        case MEMORY:
          this.allocatable[i] = alloc.memory;
          this.requested[i] = used.memory + pod;
          break;
        case EPHEMERAL:
          this.allocatable[i] = alloc.ephemeralStorage;
          this.requested[i] = node.requested.ephemeralStorage + pod;
          break;
        default: {
          const name = this.names[i]!;
          this.allocatable[i] = pod === 0 ? 0 : alloc.scalar[name] ?? 0;
          this.requested[i] = pod === 0 ? 0 : (node.requested.scalar[name] ?? 0) + pod;
        }
      }
    }
  }
}
