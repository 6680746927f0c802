import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Lease } from '../../api/types/apps.js';
import type { ApiClient } from '../../control/client/client.js';
import { LeaderElector } from '../../control/client/leader-election.js';
import { startControllers, type ControllerOptions } from '../../control/controllers/manager.js';
import { parseDuration } from './logs.js';

/** The Lease replicas of `cairn controllers` compete for (kube: kube-system/kube-controller-manager). */
export const CONTROLLERS_LEASE = { namespace: 'kube-system', name: 'cairn-controller-manager' };

export interface LeaderElectArgs {
  leaderElect: boolean;
  /** Go-style durations (15s); renew deadline and retry period default to 2/3 and 2/15 of the lease, kube's 15s/10s/2s. */
  leaderElectLeaseDuration: string;
  leaderElectRenewDeadline?: string;
  leaderElectRetryPeriod?: string;
}

type Log = (msg: string, fields?: Record<string, unknown>) => void;

/** `--leader-elect=false` style booleans. */
export function parseBool(text: string): boolean {
  if (/^(true|1|yes)$/i.test(text)) return true;
  if (/^(false|0|no)$/i.test(text)) return false;
  throw new Error(`expected true or false, got ${JSON.stringify(text)}`);
}

/**
 * `cairn controllers`: the controllers, run by whichever replica holds the controllers Lease (or always,
 * without leader election). A replica that loses the lease without being told to stop exits at once, as
 * kube-controller-manager does: its reconciles in flight would otherwise go on writing next to the new
 * leader's (double pod creation from fresh expectations). Its supervisor restarts it as a standby.
 */
export async function controllersCommand(client: ApiClient, options: ControllerOptions, args: LeaderElectArgs, log: Log,
  onLeadershipLost: () => void = () => process.exit(1)): Promise<{ stop(): Promise<void> }> {
  if (!args.leaderElect) return startControllers(client, log, options);
  const leaseSeconds = parseDuration(args.leaderElectLeaseDuration);
  const identity = `${hostname()}_${randomUUID()}`;
  let running: Promise<{ stop(): Promise<void> } | undefined> | undefined;
  let stopping = false;
  const elector = new LeaderElector({
    leases: client.resource<Lease>('leases'), ...CONTROLLERS_LEASE, identity, log,
    leaseDurationSeconds: leaseSeconds,
    renewDeadlineMs: args.leaderElectRenewDeadline ? parseDuration(args.leaderElectRenewDeadline) * 1000 : Math.round(leaseSeconds * 1000 * 2 / 3),
    retryPeriodMs: args.leaderElectRetryPeriod ? parseDuration(args.leaderElectRetryPeriod) * 1000 : Math.round(leaseSeconds * 1000 * 2 / 15),
    onStartedLeading: () => {
      running = startControllers(client, log, options).catch((err: Error) => {
        log('controllers: failed to start', { error: err.message });
        return undefined;
      });
    },
    onStoppedLeading: async () => {
      if (!stopping) {
        log('leader election lost; exiting so that no work of this replica overlaps the new leader\'s');
        onLeadershipLost();
        return;
      }
      const controllers = await running;
      running = undefined;
      await controllers?.stop();
    },
    onNewLeader: (leader) => log('leader election: leader is', { leader, self: leader === identity }),
  });
  elector.start();
  return { stop: () => { stopping = true; return elector.stop(); } };
}
