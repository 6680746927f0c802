/** Core (v1) kinds: the subset of fields Cairn understands and validates. Unknown fields are rejected by validation. */
import type { ObjectMeta, ApiObject } from '../meta.js';

export type Quantity = string | number;
export type ResourceList = Record<string, Quantity>;

export interface LabelSelectorRequirement { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }
export interface LabelSelector { matchLabels?: Record<string, string>; matchExpressions?: LabelSelectorRequirement[] }

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastHeartbeatTime?: string;
  lastProbeTime?: string | null;
  lastUpdateTime?: string;
}

export interface Namespace extends ApiObject {
  metadata: ObjectMeta;
  spec?: { finalizers?: string[] };
  status?: { phase?: 'Active' | 'Terminating' };
}

export interface ContainerPort { name?: string; containerPort: number; hostPort?: number; protocol?: 'TCP' | 'UDP' | 'SCTP'; hostIP?: string }
export interface KeySelector { name: string; key: string; optional?: boolean }
export interface ObjectFieldSelector { apiVersion?: string; fieldPath: string }
/** `containerName` is required in volumes; in env it defaults to the container itself. */
export interface ResourceFieldSelector { containerName?: string; resource: string; divisor?: Quantity }
export interface EnvVarSource { fieldRef?: ObjectFieldSelector; resourceFieldRef?: ResourceFieldSelector; configMapKeyRef?: KeySelector; secretKeyRef?: KeySelector }
export interface EnvVar { name: string; value?: string; valueFrom?: EnvVarSource }
export interface EnvFromSource { prefix?: string; configMapRef?: { name: string; optional?: boolean }; secretRef?: { name: string; optional?: boolean } }
export interface VolumeMount { name: string; mountPath: string; readOnly?: boolean; subPath?: string; subPathExpr?: string }
/** exec runs in the container; httpGet's host defaults to the pod IP. */
export interface LifecycleHandler {
  exec?: { command?: string[] };
  httpGet?: { path?: string; port: number | string; host?: string; scheme?: string; httpHeaders?: { name: string; value: string }[] };
}
export interface Lifecycle { postStart?: LifecycleHandler; preStop?: LifecycleHandler }
export interface ResourceRequirements { limits?: ResourceList; requests?: ResourceList }
export interface Probe {
  httpGet?: { path?: string; port: number | string; host?: string; scheme?: string; httpHeaders?: { name: string; value: string }[] };
  tcpSocket?: { port: number | string; host?: string };
  exec?: { command?: string[] };
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  periodSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}
export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  ports?: ContainerPort[];
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  resources?: ResourceRequirements;
  volumeMounts?: VolumeMount[];
  lifecycle?: Lifecycle;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  securityContext?: Record<string, unknown>;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
  [field: string]: unknown;
}
export interface KeyToPath { key: string; path: string; mode?: number }
export interface DownwardAPIVolumeFile { path: string; fieldRef?: ObjectFieldSelector; resourceFieldRef?: ResourceFieldSelector; mode?: number }
export interface ConfigMapProjection { name: string; items?: KeyToPath[]; optional?: boolean }
export interface VolumeProjection { configMap?: ConfigMapProjection; secret?: ConfigMapProjection; downwardAPI?: { items?: DownwardAPIVolumeFile[] }; [source: string]: unknown }
export type HostPathType = '' | 'DirectoryOrCreate' | 'Directory' | 'FileOrCreate' | 'File' | 'Socket' | 'CharDevice' | 'BlockDevice';
/** The sources the agent mounts are typed; others (persistentVolumeClaim, csi ...) pass validation but are not mounted. */
export interface Volume {
  name: string;
  emptyDir?: { medium?: string; sizeLimit?: Quantity };
  hostPath?: { path: string; type?: HostPathType };
  configMap?: ConfigMapProjection & { defaultMode?: number };
  secret?: { secretName: string; items?: KeyToPath[]; optional?: boolean; defaultMode?: number };
  downwardAPI?: { items?: DownwardAPIVolumeFile[]; defaultMode?: number };
  projected?: { sources?: VolumeProjection[]; defaultMode?: number };
  [source: string]: unknown;
}
export interface Toleration { key?: string; operator?: 'Exists' | 'Equal'; value?: string; effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | ''; tolerationSeconds?: number }
export interface Taint { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute'; timeAdded?: string }

export interface PodDNSConfig { nameservers?: string[]; searches?: string[]; options?: { name: string; value?: string }[] }

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Record<string, unknown>;
  tolerations?: Toleration[];
  schedulerName?: string;
  priorityClassName?: string;
  priority?: number;
  preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
  serviceAccountName?: string;
  terminationGracePeriodSeconds?: number;
  activeDeadlineSeconds?: number;
  dnsPolicy?: 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default' | 'None';
  dnsConfig?: PodDNSConfig;
  hostNetwork?: boolean;
  hostname?: string;
  subdomain?: string;
  volumes?: Volume[];
  topologySpreadConstraints?: Record<string, unknown>[];
  imagePullSecrets?: { name: string }[];
  securityContext?: Record<string, unknown>;
  [field: string]: unknown;
}
export interface ContainerStatus {
  name: string;
  ready: boolean;
  restartCount: number;
  image: string;
  imageID?: string;
  containerID?: string;
  started?: boolean;
  state?: Record<string, Record<string, unknown>>;
  lastState?: Record<string, Record<string, unknown>>;
}
export interface PodStatus {
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  conditions?: Condition[];
  message?: string;
  reason?: string;
  hostIP?: string;
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  nominatedNodeName?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
  qosClass?: string;
}
export interface Pod extends ApiObject { metadata: ObjectMeta; spec: PodSpec; status?: PodStatus }

export interface PodTemplateSpec { metadata?: ObjectMeta; spec: PodSpec }

export interface NodeSpec { podCIDR?: string; podCIDRs?: string[]; unschedulable?: boolean; taints?: Taint[]; providerID?: string }
export interface NodeStatus {
  capacity?: ResourceList;
  allocatable?: ResourceList;
  conditions?: Condition[];
  addresses?: { type: string; address: string }[];
  /** Where the node's agent serves (container logs ...); `Port` is capitalised as in Kubernetes. */
  daemonEndpoints?: { kubeletEndpoint?: { Port: number } };
  nodeInfo?: Record<string, string>;
  phase?: string;
}
export interface Node extends ApiObject { metadata: ObjectMeta; spec?: NodeSpec; status?: NodeStatus }

export interface ServicePort { name?: string; protocol?: 'TCP' | 'UDP' | 'SCTP'; port: number; targetPort?: number | string; nodePort?: number; appProtocol?: string }
export interface ServiceSpec {
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  selector?: Record<string, string>;
  ports?: ServicePort[];
  clusterIP?: string;
  clusterIPs?: string[];
  externalName?: string;
  sessionAffinity?: 'None' | 'ClientIP';
  publishNotReadyAddresses?: boolean;
  [field: string]: unknown;
}
export interface Service extends ApiObject { metadata: ObjectMeta; spec: ServiceSpec; status?: { loadBalancer?: Record<string, unknown> } }

export interface EndpointAddress { ip: string; hostname?: string; nodeName?: string; targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string } }
export interface EndpointPort { name?: string; port: number; protocol?: 'TCP' | 'UDP' | 'SCTP'; appProtocol?: string }
export interface EndpointSubset { addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: EndpointPort[] }
export interface Endpoints extends ApiObject { metadata: ObjectMeta; subsets?: EndpointSubset[] }

export interface ConfigMap extends ApiObject { metadata: ObjectMeta; data?: Record<string, string>; binaryData?: Record<string, string>; immutable?: boolean }
export interface Secret extends ApiObject { metadata: ObjectMeta; type?: string; data?: Record<string, string>; stringData?: Record<string, string>; immutable?: boolean }

export interface ObjectReference { kind?: string; namespace?: string; name?: string; uid?: string; apiVersion?: string; resourceVersion?: string; fieldPath?: string }
export interface Event extends ApiObject {
  metadata: ObjectMeta;
  involvedObject: ObjectReference;
  reason?: string;
  message?: string;
  type?: 'Normal' | 'Warning';
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  source?: { component?: string; host?: string };
}

export interface Binding extends ApiObject { metadata: ObjectMeta; target: ObjectReference }
