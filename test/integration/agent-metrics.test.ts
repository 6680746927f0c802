/**
 * The node agent's /metrics (`cairn agent --metrics-port`): after a pod runs, a scrape shows its start latency,
 * the runtime operations and image ensure that started it, and what runs on the node now.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAgentLab, type AgentLab } from '../harness/agent-lab.js';

let lab: AgentLab;

beforeAll(async () => {
  lab = await startAgentLab('metrics', { metricsPort: 0 });
}, 120_000);

afterAll(async () => {
  await lab?.stop();
}, 60_000);

/** The value of a sample line (`name{labels} value`) in Prometheus text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('agent metrics', () => {
  it('counts a started pod, its runtime operations and its image, and what runs now', async () => {
    const pod = await lab.runPod({ containers: [{ name: 'main', image: lab.refs.busybox, command: ['sleep', '3600'] }] });
    await lab.podWhere(pod.metadata.name!, 'Running', (p) => p.status?.phase === 'Running');
    const response = await fetch(`http://127.0.0.1:${lab.agent.servedMetricsPort}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(sample(text, 'cairn_agent_pod_start_duration_seconds_count')).toBe(1);
    expect(sample(text, 'cairn_agent_runtime_operations_duration_seconds_count{operation="startContainer",result="ok"}')).toBe(1);
    expect(sample(text, 'cairn_agent_runtime_operations_duration_seconds_count{operation="createContainer",result="ok"}')).toBe(1);
    expect(sample(text, 'cairn_agent_image_ensure_duration_seconds_count{result="ok"}')).toBe(1);
    expect(sample(text, 'cairn_agent_containers{state="running"}')).toBe(1);
    expect(sample(text, 'cairn_agent_pods')).toBe(1);
    expect(sample(text, 'cairn_agent_pod_syncs_total{result="ok"}')).toBeGreaterThan(0);
  }, 90_000);
});
