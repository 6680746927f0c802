import type { ResourceType, Subresource } from './resources.js';
import { strategies } from './kinds/index.js';

interface Entry {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
  subresources?: Subresource[];
  indexedField?: string;
}

const entries: Entry[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false, shortNames: ['ns'], subresources: ['status'] },
  { group: '', version: 'v1', kind: 'Node', plural: 'nodes', namespaced: false, shortNames: ['no'], subresources: ['status'] },
  { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, shortNames: ['po'], subresources: ['status', 'binding', 'log', 'eviction'], indexedField: 'spec.nodeName' },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', namespaced: true, shortNames: ['svc'], subresources: ['status'] },
  { group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', namespaced: true, shortNames: ['ep'] },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true, shortNames: ['cm'] },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true },
  { group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true, shortNames: ['ev'] },
  { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', namespaced: true },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', namespaced: true, shortNames: ['rs'], subresources: ['status', 'scale'] },
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true, shortNames: ['deploy'], subresources: ['status', 'scale'] },
  { group: 'scheduling.k8s.io', version: 'v1', kind: 'PriorityClass', plural: 'priorityclasses', namespaced: false, shortNames: ['pc'] },
  { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', plural: 'networkpolicies', namespaced: true, shortNames: ['netpol'] },
  { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', plural: 'ingresses', namespaced: true, shortNames: ['ing'], subresources: ['status'] },
  { group: 'networking.k8s.io', version: 'v1', kind: 'IngressClass', plural: 'ingressclasses', namespaced: false },
  { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', namespaced: true, shortNames: ['pdb'], subresources: ['status'] },
  { group: 'mesh.cairn.dev', version: 'v1alpha1', kind: 'TrafficRoute', plural: 'trafficroutes', namespaced: true, shortNames: ['tr'], subresources: ['status'] },
  { group: 'mesh.cairn.dev', version: 'v1alpha1', kind: 'DestinationPolicy', plural: 'destinationpolicies', namespaced: true, shortNames: ['dp'], subresources: ['status'] },
  { group: 'mesh.cairn.dev', version: 'v1alpha1', kind: 'MeshAuthorization', plural: 'meshauthorizations', namespaced: true, shortNames: ['ma'], subresources: ['status'] },
];

const ALL_CATEGORY = new Set(['Pod', 'Service', 'ReplicaSet', 'Deployment']);

/** Every resource the registry serves, in discovery order. */
export const resourceTypes: ResourceType[] = entries.map((e) => {
  const strategy = strategies[e.kind];
  if (!strategy) throw new Error(`no strategy for kind ${e.kind}`);
  return {
    group: e.group,
    version: e.version,
    kind: e.kind,
    listKind: `${e.kind}List`,
    plural: e.plural,
    singular: e.kind.toLowerCase(),
    namespaced: e.namespaced,
    shortNames: e.shortNames ?? [],
    categories: ALL_CATEGORY.has(e.kind) ? ['all'] : [],
    subresources: e.subresources ?? [],
    indexedField: e.indexedField,
    strategy,
  };
});

/** Finds a resource by any name a user may type: plural, singular, kind, short name, optionally `name.group`. */
export function findResource(name: string): ResourceType | undefined {
  const lower = name.toLowerCase();
  const [base, ...groupParts] = lower.split('.');
  const group = groupParts.join('.');
  return resourceTypes.find((r) =>
    (!group || r.group === group) &&
    (r.plural === base || r.singular === base || r.kind.toLowerCase() === base || r.shortNames.includes(base!)));
}

export function resourceForKind(apiVersion: string | undefined, kind: string | undefined): ResourceType | undefined {
  return resourceTypes.find((r) => r.kind === kind && (apiVersion === undefined || (r.group ? `${r.group}/${r.version}` : r.version) === apiVersion));
}
