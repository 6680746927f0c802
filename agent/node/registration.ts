/** Registering a node with the API: create it, or bring an existing one up to date the way the kubelet does. */
import type { ApiClient } from '../../control/client/client.js';
import type { Node, NodeStatus } from '../../api/types/core.js';
import { AGENT_OWNED_LABELS, mergeNodeConditions } from './node-object.js';
import { isAlreadyExists, withRetry } from '../util/retry.js';

export interface ReRegistration {
  /** Agent-owned labels whose value changed (a merge patch); undefined when none did. */
  labels?: Record<string, string>;
  status: NodeStatus;
}

/**
 * What registering again changes on a node that already exists. Like the kubelet: agent-owned labels are set
 * to the agent's values (other labels are the admin's); the spec (taints, cordon's unschedulable) is left
 * alone; status is the agent's, except conditions other components set, and transition times of unchanged conditions.
 */
export function reRegistration(existing: Node, desired: Node): ReRegistration {
  const have = existing.metadata.labels ?? {};
  const want = desired.metadata.labels ?? {};
  const labels: Record<string, string> = {};
  for (const key of AGENT_OWNED_LABELS) {
    if (want[key] !== undefined && have[key] !== want[key]) labels[key] = want[key];
  }
  const status: NodeStatus = {
    ...existing.status,
    ...desired.status,
    conditions: mergeNodeConditions(existing.status?.conditions, desired.status?.conditions ?? []),
  };
  return { labels: Object.keys(labels).length ? labels : undefined, status };
}

export interface RegisterOptions {
  /** Aborting stops retrying. */
  signal?: AbortSignal;
  /** Attempts for transient failures (conflicts, 5xx, no connection); default: until aborted. */
  attempts?: number;
}

/** Creates the node, or updates an existing one as `reRegistration` says; retries transient failures. Returns the node as stored. */
export function registerNode(client: ApiClient, desired: Node, opts: RegisterOptions = {}): Promise<Node> {
  const nodes = client.resource<Node>('nodes');
  const name = desired.metadata.name!;
  return withRetry(async () => {
    try {
      return await nodes.create(desired);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    let existing = await nodes.get(name);
    const plan = reRegistration(existing, desired);
    if (plan.labels) existing = await nodes.patch(name, { metadata: { labels: plan.labels } });
    // The resourceVersion makes this a compare-and-swap: a concurrent change means re-reading and planning again.
    return await nodes.updateStatus({ ...existing, status: plan.status });
  }, { attempts: opts.attempts ?? Infinity, maxMs: 7000, signal: opts.signal });
}
