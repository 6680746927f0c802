/** Deletes connection-tracking entries in the proxy's host namespace (Debian conntrack). */
import { execFile } from 'node:child_process';
import type { UdpFlow } from './compile.js';

export interface ConntrackRunner {
  /** Forgets UDP flows NATed to endpoints that are gone; best effort (a flow may already have expired). */
  deleteUdpFlows(flows: UdpFlow[]): Promise<void>;
}

function conntrack(netns: string | undefined, args: string[]): Promise<void> {
  const [cmd, argv] = netns ? ['ip', ['netns', 'exec', netns, 'conntrack', ...args]] : ['conntrack', args];
  // conntrack exits 1 when no entry matched, the usual case: the result carries no information worth a failure.
  return new Promise((resolve) => execFile(cmd, argv, () => resolve()));
}

export function conntrackRunner(netns?: string): ConntrackRunner {
  return {
    async deleteUdpFlows(flows) {
      for (const f of flows) {
        const dst = f.vip ? ['--orig-dst', f.vip] : [];
        await conntrack(netns, ['-D', '-p', 'udp', ...dst, '--orig-port-dst', String(f.port), '--dst-nat', f.endpoint]);
      }
    },
  };
}
