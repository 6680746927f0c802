/**
 * Every field Kubernetes (v1.33) accepts in the Pod structures, so real manifests pass strict unknown-field checks
 * even where Cairn does not act on a field yet.
 */

export const POD_SPEC_FIELDS = [
  'volumes', 'initContainers', 'containers', 'ephemeralContainers', 'restartPolicy', 'terminationGracePeriodSeconds',
  'activeDeadlineSeconds', 'dnsPolicy', 'nodeSelector', 'serviceAccountName', 'serviceAccount',
  'automountServiceAccountToken', 'nodeName', 'hostNetwork', 'hostPID', 'hostIPC', 'shareProcessNamespace',
  'securityContext', 'imagePullSecrets', 'hostname', 'subdomain', 'affinity', 'schedulerName', 'tolerations',
  'hostAliases', 'priorityClassName', 'priority', 'dnsConfig', 'readinessGates', 'runtimeClassName',
  'enableServiceLinks', 'preemptionPolicy', 'overhead', 'topologySpreadConstraints', 'setHostnameAsFQDN', 'os',
  'hostUsers', 'schedulingGates', 'resourceClaims', 'resources',
] as const;

export const CONTAINER_FIELDS = [
  'name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy',
  'restartPolicy', 'restartPolicyRules', 'volumeMounts', 'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe',
  'lifecycle', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin',
  'stdinOnce', 'tty',
] as const;

export const EPHEMERAL_CONTAINER_FIELDS = [...CONTAINER_FIELDS, 'targetContainerName'] as const;

export const CONTAINER_PORT_FIELDS = ['name', 'hostPort', 'containerPort', 'protocol', 'hostIP'] as const;
export const ENV_VAR_FIELDS = ['name', 'value', 'valueFrom'] as const;
export const ENV_VAR_SOURCE_FIELDS = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'] as const;
export const ENV_FROM_FIELDS = ['prefix', 'configMapRef', 'secretRef'] as const;
export const RESOURCE_REQUIREMENTS_FIELDS = ['limits', 'requests', 'claims'] as const;
export const VOLUME_MOUNT_FIELDS = ['name', 'readOnly', 'recursiveReadOnly', 'mountPath', 'subPath', 'mountPropagation', 'subPathExpr'] as const;
export const VOLUME_DEVICE_FIELDS = ['name', 'devicePath'] as const;

export const PROBE_FIELDS = [
  'exec', 'httpGet', 'tcpSocket', 'grpc', 'initialDelaySeconds', 'timeoutSeconds', 'periodSeconds',
  'successThreshold', 'failureThreshold', 'terminationGracePeriodSeconds',
] as const;
export const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;
export const LIFECYCLE_FIELDS = ['postStart', 'preStop', 'stopSignal'] as const;
export const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'] as const;
export const HTTP_GET_FIELDS = ['path', 'port', 'host', 'scheme', 'httpHeaders'] as const;
export const TCP_SOCKET_FIELDS = ['port', 'host'] as const;
export const GRPC_FIELDS = ['port', 'service'] as const;
export const EXEC_FIELDS = ['command'] as const;

export const CONTAINER_SECURITY_CONTEXT_FIELDS = [
  'capabilities', 'privileged', 'seLinuxOptions', 'windowsOptions', 'runAsUser', 'runAsGroup', 'runAsNonRoot',
  'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'procMount', 'seccompProfile', 'appArmorProfile',
] as const;
export const POD_SECURITY_CONTEXT_FIELDS = [
  'seLinuxOptions', 'windowsOptions', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'supplementalGroups',
  'supplementalGroupsPolicy', 'fsGroup', 'sysctls', 'fsGroupChangePolicy', 'seccompProfile', 'appArmorProfile',
  'seLinuxChangePolicy',
] as const;

export const TOLERATION_FIELDS = ['key', 'operator', 'value', 'effect', 'tolerationSeconds'] as const;

export const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
] as const;

export const AFFINITY_FIELDS = ['nodeAffinity', 'podAffinity', 'podAntiAffinity'] as const;
export const TOPOLOGY_SPREAD_FIELDS = [
  'maxSkew', 'topologyKey', 'whenUnsatisfiable', 'labelSelector', 'minDomains', 'nodeAffinityPolicy',
  'nodeTaintsPolicy', 'matchLabelKeys',
] as const;
export const DNS_CONFIG_FIELDS = ['nameservers', 'searches', 'options'] as const;
