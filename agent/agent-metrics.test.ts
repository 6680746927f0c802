import { describe, expect, it } from '@jest/globals';
import type { Pod } from '../api/types/core.js';
import type { ContainerRuntime } from './runtime/runtime.js';
import { AgentMetrics } from './agent-metrics.js';

describe('AgentMetrics', () => {
  it('times runtime operations by result and passes results and errors through', async () => {
    const metrics = new AgentMetrics();
    const runtime = {
      startContainer: async (id: string) => ({ id, state: 'running' }),
      removeContainer: async () => { throw new Error('runc: no such container'); },
    } as unknown as ContainerRuntime;
    const timed = metrics.instrumentRuntime(runtime);
    await expect(timed.startContainer('c1')).resolves.toMatchObject({ id: 'c1' });
    await expect(timed.removeContainer('c1')).rejects.toThrow('no such container');
    const text = await metrics.registry.metrics();
    expect(text).toContain('cairn_agent_runtime_operations_duration_seconds_count{operation="startContainer",result="ok"} 1');
    expect(text).toContain('cairn_agent_runtime_operations_duration_seconds_count{operation="removeContainer",result="error"} 1');
  });

  it('observes pod start latency from the pod\'s creation', async () => {
    const metrics = new AgentMetrics();
    metrics.podStarted({ metadata: { creationTimestamp: '2026-01-01T00:00:00Z' } } as Pod, Date.parse('2026-01-01T00:00:01.5Z'));
    const text = await metrics.registry.metrics();
    expect(text).toContain('cairn_agent_pod_start_duration_seconds_sum 1.5');
    expect(text).toContain('cairn_agent_pod_start_duration_seconds_bucket{le="2"} 1');
  });
});
