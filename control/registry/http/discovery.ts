import type { ResourceType } from '../../../api/resources.js';

/** Discovery documents (`/api`, `/apis`, `/api/v1`, `/apis/{group}/{version}`) from the served resource types. */
export class Discovery {
  private readonly byGroupVersion = new Map<string, ResourceType[]>();

  constructor(resources: ResourceType[]) {
    for (const r of resources) {
      const gv = r.group ? `${r.group}/${r.version}` : r.version;
      this.byGroupVersion.set(gv, [...(this.byGroupVersion.get(gv) ?? []), r]);
    }
  }

  /** The response body for a discovery path, or undefined when the path is not a discovery path. */
  document(path: string): object | undefined {
    const segs = path.split('/').filter(Boolean);
    if (segs.length === 1 && segs[0] === 'api') {
      return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }] };
    }
    if (segs.length === 1 && segs[0] === 'apis') return { kind: 'APIGroupList', apiVersion: 'v1', groups: this.groups() };
    if (segs.length === 2 && segs[0] === 'apis') return this.groups().find((g) => g.name === segs[1]);
    if (segs.length === 2 && segs[0] === 'api') return this.resourceList(segs[1]!);
    if (segs.length === 3 && segs[0] === 'apis') return this.resourceList(`${segs[1]}/${segs[2]}`);
    return undefined;
  }

  private groups(): { kind: 'APIGroup'; apiVersion: 'v1'; name: string; versions: object[]; preferredVersion: object }[] {
    const groups = new Map<string, string[]>();
    for (const gv of this.byGroupVersion.keys()) {
      if (!gv.includes('/')) continue;
      const [group, version] = gv.split('/') as [string, string];
      groups.set(group, [...(groups.get(group) ?? []), version]);
    }
    return [...groups].map(([name, versions]) => {
      const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
      return { kind: 'APIGroup', apiVersion: 'v1', name, versions: list, preferredVersion: list[0]! };
    });
  }

  private resourceList(groupVersion: string): object | undefined {
    const resources = this.byGroupVersion.get(groupVersion);
    if (!resources) return undefined;
    const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
    const list: object[] = [];
    for (const r of resources) {
      list.push({ name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs, shortNames: r.shortNames, categories: r.categories });
      for (const sub of r.subresources) {
        if (sub === 'binding') list.push({ name: `${r.plural}/binding`, singularName: '', namespaced: r.namespaced, kind: 'Binding', verbs: ['create'] });
        else if (sub === 'eviction') list.push({ name: `${r.plural}/eviction`, singularName: '', namespaced: r.namespaced, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
        else if (sub === 'log') list.push({ name: `${r.plural}/log`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get'] });
        else if (sub === 'scale') list.push({ name: `${r.plural}/scale`, singularName: '', namespaced: r.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
        else list.push({ name: `${r.plural}/${sub}`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] });
      }
      if (r.kind === 'Namespace') list.push({ name: 'namespaces/finalize', singularName: '', namespaced: false, kind: 'Namespace', verbs: ['update'] });
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources: list };
  }
}
