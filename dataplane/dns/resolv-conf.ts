/** The /etc/resolv.conf a pod gets (the Kubernetes `ClusterFirst` DNS policy). */

export interface ResolvConfOptions {
  /** The cluster DNS service IP, e.g. 10.96.0.10. */
  nameserver: string;
  zone?: string;
  ndots?: number;
}

/** Search `<ns>.svc.<zone> svc.<zone> <zone>`, so `web` and `web.other` resolve from inside a pod. */
export function resolvConf(podNamespace: string, opts: ResolvConfOptions): string {
  const zone = (opts.zone ?? 'cluster.local').replace(/\.$/, '');
  return [
    `nameserver ${opts.nameserver}`,
    `search ${podNamespace}.svc.${zone} svc.${zone} ${zone}`,
    `options ndots:${opts.ndots ?? 5}`,
    '',
  ].join('\n');
}
