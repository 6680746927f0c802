import { jsonLog } from '../../control/registry/server.js';
import type { ApiClient } from '../../control/client/client.js';
import { serveMetrics } from '../../agent/metrics-server.js';
import { defaultConfig, loadSchedulerConfig } from '../../scheduler/config/scheduler-config.js';
import { pluginRegistry } from '../../scheduler/plugins/registry.js';
import { Scheduler } from '../../scheduler/scheduler.js';

export interface SchedulerArgs {
  config?: string;
  metricsPort?: number;
}

/** `cairn scheduler`: places pending pods on nodes; /metrics on loopback when a port is given. */
export async function schedulerCommand(client: ApiClient, args: SchedulerArgs): Promise<{ stop(): Promise<void> }> {
  const config = args.config ? await loadSchedulerConfig(args.config, new Set(pluginRegistry.keys())) : defaultConfig();
  const scheduler = new Scheduler({ client, config, log: jsonLog('scheduler') });
  await scheduler.start();
  const metrics = args.metricsPort !== undefined ? await serveMetrics(scheduler.metrics.registry, args.metricsPort) : undefined;
  return {
    stop: async () => {
      await metrics?.close();
      await scheduler.stop();
    },
  };
}
