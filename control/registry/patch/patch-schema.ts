/**
 * Strategic-merge metadata per kind: the `patchStrategy`/`patchMergeKey` struct tags Kubernetes
 * declares on its Go types, for the fields Cairn serves. A field with no entry behaves like an
 * untagged Go field: maps merge, lists are replaced wholesale.
 */

export interface FieldSchema {
  /** 'merge' on a list: merge elements by `mergeKey`, or union them if they are primitives. 'replace' on a map: no merge. */
  readonly strategy?: 'merge' | 'replace';
  readonly mergeKey?: string;
  /** Schema of the value when it is an object, or of each element when it is a list of objects. */
  readonly fields?: ObjectSchema;
}

export interface ObjectSchema {
  readonly [field: string]: FieldSchema;
}

export function fieldOf(schema: ObjectSchema | undefined, name: string): FieldSchema | undefined {
  return schema && Object.hasOwn(schema, name) ? schema[name] : undefined;
}

const nested = (fields: ObjectSchema): FieldSchema => ({ fields });
const mergeBy = (mergeKey: string, fields?: ObjectSchema): FieldSchema => ({ strategy: 'merge', mergeKey, fields });
const unionOfPrimitives: FieldSchema = { strategy: 'merge' };
const conditions = mergeBy('type');

const objectMeta = nested({
  finalizers: unionOfPrimitives,
  ownerReferences: mergeBy('uid'),
});

const container: ObjectSchema = {
  ports: mergeBy('containerPort'),
  env: mergeBy('name'),
  volumeMounts: mergeBy('mountPath'),
  volumeDevices: mergeBy('devicePath'),
};

// tolerations, readinessGates and the affinity terms carry no tags upstream: replaced.
const podSpec: ObjectSchema = {
  containers: mergeBy('name', container),
  initContainers: mergeBy('name', container),
  ephemeralContainers: mergeBy('name', container),
  volumes: mergeBy('name'),
  imagePullSecrets: mergeBy('name'),
  hostAliases: mergeBy('ip'),
  topologySpreadConstraints: mergeBy('topologyKey'),
  schedulingGates: mergeBy('name'),
  resourceClaims: mergeBy('name'),
};

const podStatus: ObjectSchema = {
  conditions,
  podIPs: mergeBy('ip'),
  hostIPs: mergeBy('ip'),
};

const podTemplate = nested({ metadata: objectMeta, spec: nested(podSpec) });

const metadataOnly: ObjectSchema = { metadata: objectMeta };

const workload: ObjectSchema = {
  metadata: objectMeta,
  spec: nested({ template: podTemplate }),
  status: nested({ conditions }),
};

const schemas: Readonly<Record<string, ObjectSchema>> = {
  Pod: { metadata: objectMeta, spec: nested(podSpec), status: nested(podStatus) },
  // Node taints have no merge key upstream, so a patch replaces the whole list.
  Node: {
    metadata: objectMeta,
    spec: nested({ podCIDRs: unionOfPrimitives }),
    status: nested({ conditions, addresses: mergeBy('type') }),
  },
  Service: { metadata: objectMeta, spec: nested({ ports: mergeBy('port') }), status: nested({ conditions }) },
  // Endpoints subsets are atomic upstream.
  Endpoints: metadataOnly,
  ConfigMap: metadataOnly,
  Secret: metadataOnly,
  Event: metadataOnly,
  Namespace: { metadata: objectMeta, status: nested({ conditions }) },
  Lease: metadataOnly,
  PriorityClass: metadataOnly,
  Binding: metadataOnly,
  Scale: metadataOnly,
  ReplicaSet: workload,
  Deployment: workload,
};

/**
 * Built-in kinds accept strategic merge patches; custom resources have no Go struct tags, so
 * Kubernetes answers 415 for them and so should the caller.
 */
export function supportsStrategicMerge(kind: string): boolean {
  return Object.hasOwn(schemas, kind);
}

/** The schema for a kind; unknown kinds get none, i.e. maps merge and lists are replaced. */
export function strategicSchemaFor(kind: string): ObjectSchema | undefined {
  return supportsStrategicMerge(kind) ? schemas[kind] : undefined;
}
