/**
 * One pod's level-triggered sync against the real runtime: ensure the sandbox, apply the plan (start,
 * kill, remove, restart after crash back-off), keep probes on running containers, write the status when it
 * changed. Also the pod's graceful termination and the teardown of pods that are gone.
 * Never called twice at once for one pod (the work queue guarantees it).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Container, Pod, ResourceList } from '../../api/types/core.js';
import type { EventRecorder } from '../../control/client/event-recorder.js';
import type { ResourceClient } from '../../control/client/resource-client.js';
import { ImagePullError, ImagePullReasons } from '../images/errors.js';
import type { ImageService } from '../images/image-service.js';
import { PullBackoff, type BackoffOptions } from '../images/pull-backoff.js';
import { defaultPullPolicy } from '../images/reference.js';
import type { ContainerRuntime, ContainerStatus } from '../runtime/runtime.js';
import { isNotFound } from '../util/retry.js';
import type { PodVolumes } from '../volumes/pod-volumes.js';
import { VolumeError } from '../volumes/payload.js';
import { containerConfig, containerId, Labels, type ContainerKind } from './container-config.js';
import type { ContainerRootfs } from './container-rootfs.js';
import { ContainerConfigError, type ConfigSource } from './config-source.js';
import type { PodAddresses } from './downward-api.js';
import { resolveContainerEnv } from './env/container-env.js';
import { DeadlineExceeded, deadlineRemainingMs } from './lifecycle/active-deadline.js';
import { planPod, type Step } from './pod-plan.js';
import type { PodMounts } from './pod-resolv-files.js';
import { runHook } from './lifecycle/hooks.js';
import type { ProbeManager } from './probes/probe-manager.js';
import type { ProbeRunner } from './probes/probe-runner.js';
import { runtimePodStatus, WaitingReason, waitingKey, type PodFailure, type Waiting } from './runtime-pod-status.js';

export interface PodSyncDeps {
  hostIP: string;
  /** A hostNetwork pod's address: the node's on the pod network (default hostIP). */
  hostNetworkIP?: string;
  pods: ResourceClient<Pod>;
  runtime: ContainerRuntime;
  images: Pick<ImageService, 'ensureImage'>;
  rootfs: ContainerRootfs;
  /** Files every container of a pod gets (resolv.conf); none without it. */
  podMounts?: PodMounts;
  probes: ProbeManager;
  events?: EventRecorder;
  /** Crash-loop back-off between restarts of one container (default 10 s doubling to 5 min). */
  crashBackoff?: BackoffOptions;
  /** How often a settled pod is looked at again (container exits are seen this way). */
  resyncMs: number;
  /** The ConfigMaps and Secrets containers' env refers to. */
  config: ConfigSource;
  /** Stands in for unset limits in resourceFieldRef. */
  allocatable: ResourceList;
  /** The pods' volumes; without it volumeMounts are ignored. */
  volumes?: PodVolumes;
  /** Runs lifecycle hooks (the probe runner: see lifecycle/hooks.ts). */
  hooks: ProbeRunner;
  /** Told when a pod is first reported Running (the pod start latency metric). */
  podStarted?: (pod: Pod) => void;
}

/** Where the pod's sandbox is: its addresses and network namespace. */
type Where = PodAddresses & { netnsPath: string };

const DEFAULT_GRACE_SECONDS = 30;
/** The kubelet's minimumGracePeriodInSeconds: SIGTERM's least time before SIGKILL once a preStop hook ran. */
const MIN_TERM_SECONDS = 2;
/** The kubelet gives postStart no time limit; Cairn bounds it so a hung hook cannot hold the pod's sync forever. */
const POST_START_TIMEOUT_SECONDS = 120;

function specOf(pod: Pod, c: ContainerStatus): Container | undefined {
  const list = c.labels[Labels.kind] === 'init' ? pod.spec.initContainers ?? [] : pod.spec.containers;
  return list.find((s) => s.name === c.name);
}

export class PodSync {
  private readonly backoff: PullBackoff;
  /** Per pod uid: why containers that are not running wait (image errors, crash back-off). */
  private readonly waiting = new Map<string, Map<string, Waiting>>();
  /** Per pod uid: the volume set-up failure last reported (FailedMount is recorded once per distinct one). */
  private readonly mountErrors = new Map<string, string>();

  constructor(private readonly deps: PodSyncDeps) {
    this.backoff = new PullBackoff(deps.crashBackoff ?? { initialMs: 10_000, maxMs: 300_000 });
  }

  /** Brings the pod's containers and status in line with its spec; returns when to look again. */
  async sync(podKey: string, pod: Pod): Promise<number | undefined> {
    const { runtime, probes } = this.deps;
    const uid = pod.metadata.uid!;
    const hostNetwork = pod.spec.hostNetwork === true;
    const sandbox = await runtime.runPodSandbox(uid, { hostNetwork });
    const where: Where = { hostIP: this.deps.hostIP, podIP: hostNetwork ? this.deps.hostNetworkIP ?? this.deps.hostIP : sandbox.ip, netnsPath: sandbox.netnsPath };
    const waiting = this.waiting.get(uid) ?? new Map<string, Waiting>();
    this.waiting.set(uid, waiting);
    let observed = await runtime.listContainers({ podId: uid });
    const remaining = deadlineRemainingMs(pod, new Date());
    if (remaining !== undefined && remaining <= 0) {
      await this.stopForDeadline(pod, observed, where);
      await this.writeStatus(pod, where, await runtime.listContainers({ podId: uid }), waiting, false, DeadlineExceeded);
      return undefined;
    }
    const plan = planPod(pod, observed, (id) =>
      probes.result(id, 'startup') === 'failure' ? 'startup' : probes.result(id, 'liveness') === 'failure' ? 'liveness' : undefined);
    const mountError = await this.setUpVolumes(pod, where);
    let again = Math.min(this.deps.resyncMs, remaining ?? Infinity);
    for (const step of plan.steps) {
      if (step.kind === 'start' && mountError) {
        waiting.set(waitingKey(step.ctype, step.spec.name), { reason: WaitingReason.ContainerCreating, message: mountError });
        continue;
      }
      await this.apply(pod, step, waiting, where);
      if (step.kind === 'kill') again = 0; // restart it right away (or enter back-off)
    }
    for (const r of plan.restarts) {
      if (mountError) continue; // the container's last state stays visible until its volumes are back
      const key = `${uid}/${waitingKey(r.ctype, r.spec.name)}`;
      const backingOff = this.backoff.current(key);
      if (backingOff) {
        const message = `back-off restarting failed container=${r.spec.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${uid})`;
        if (waiting.get(waitingKey(r.ctype, r.spec.name))?.reason !== WaitingReason.CrashLoopBackOff) this.event(pod, 'Warning', 'BackOff', message);
        waiting.set(waitingKey(r.ctype, r.spec.name), { reason: WaitingReason.CrashLoopBackOff, message });
        again = Math.min(again, backingOff.remainingMs);
        continue;
      }
      this.backoff.failed(key, '');
      await this.start(pod, r.spec, r.ctype, r.attempt, waiting, where);
    }
    if (plan.steps.length || plan.restarts.length) observed = await runtime.listContainers({ podId: uid });
    this.probeRunning(podKey, pod, observed, sandbox.netnsPath);
    await this.writeStatus(pod, where, observed, waiting, plan.initFailed);
    return again;
  }

  private async writeStatus(pod: Pod, where: Where, observed: ContainerStatus[], waiting: Map<string, Waiting>, initFailed: boolean, failure?: PodFailure): Promise<void> {
    const { probes } = this.deps;
    const status = runtimePodStatus(pod, {
      hostIP: where.hostIP, podIP: where.podIP, observed, waiting, initFailed, failure,
      probes: (id) => {
        const started = !probes.has(id, 'startup') || probes.result(id, 'startup') === 'success';
        const ready = started && (!probes.has(id, 'readiness') || probes.result(id, 'readiness') === 'success');
        return { ready, started };
      },
    }, new Date());
    if (isDeepStrictEqual(pod.status ?? {}, status)) return;
    await this.deps.pods.updateStatus({ ...pod, status });
    if (status.phase === 'Running' && pod.status?.phase !== 'Running') this.deps.podStarted?.(pod);
  }

  /** The pod outlived activeDeadlineSeconds: its running containers are stopped and it fails (once: the event is recorded then). */
  private async stopForDeadline(pod: Pod, observed: ContainerStatus[], where: Where): Promise<void> {
    if (pod.status?.reason !== DeadlineExceeded.reason) this.event(pod, 'Warning', DeadlineExceeded.reason, DeadlineExceeded.message);
    const grace = pod.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
    await this.stopGracefully(pod, observed.filter((c) => c.state === 'running'), grace, where.netnsPath);
  }

  /**
   * Graceful stop: preStop hooks, SIGTERM, SIGKILL once the pod's grace period is over, then the sandbox goes
   * and the deletion is confirmed (the registry keeps the pod until then).
   */
  async terminate(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid!;
    const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
    const running = (await this.deps.runtime.listContainers({ podId: uid })).filter((c) => c.state === 'running');
    // A hostNetwork pod has no sandbox of its own: its hooks reach it from the host's network namespace.
    const netnsPath = pod.spec.hostNetwork === true
      ? (await this.deps.runtime.runPodSandbox(uid, { hostNetwork: true })).netnsPath
      : (await this.deps.runtime.listPodSandboxes()).find((s) => s.podId === uid)?.netnsPath;
    await this.stopGracefully(pod, running, grace, netnsPath);
    await this.teardown(uid);
    try {
      await this.deps.pods.delete(pod.metadata.name!, pod.metadata.namespace, { gracePeriodSeconds: 0 });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /**
   * Stops containers as the kubelet's killContainer does: the preStop hook first (an httpGet one needs the
   * pod's network namespace, `netnsPath`), then SIGTERM with what is left of `grace`, but at least
   * MIN_TERM_SECONDS after a hook, then SIGKILL.
   */
  private async stopGracefully(pod: Pod, running: ContainerStatus[], grace: number, netnsPath: string | undefined): Promise<void> {
    const deadline = Date.now() + grace * 1000;
    await Promise.all(running.map(async (c) => {
      this.deps.probes.remove(c.id);
      const spec = specOf(pod, c);
      const hook = spec?.lifecycle?.preStop;
      let termSeconds = grace;
      if (hook && spec && (netnsPath !== undefined || !hook.httpGet)) {
        // A failing hook does not stop the termination; it only uses up the grace period. (exec hooks ignore netnsPath.)
        const result = await runHook(this.deps.hooks, hook, { containerId: c.id, netnsPath: netnsPath ?? '', spec, podIP: pod.status?.podIP }, grace);
        if (!result.ok) this.event(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed for container ${c.name}: ${result.message}`);
        termSeconds = Math.max(MIN_TERM_SECONDS, Math.ceil((deadline - Date.now()) / 1000));
      }
      this.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`);
      await this.deps.runtime.stopContainer(c.id, termSeconds);
    }));
  }

  /** Removes every container, container layer and the sandbox of pod `uid` (killing what still runs). Idempotent. */
  async teardown(uid: string): Promise<void> {
    for (const c of await this.deps.runtime.listContainers({ podId: uid })) await this.removeContainer(c.id);
    await this.deps.runtime.removePodSandbox(uid);
    await this.deps.podMounts?.remove(uid);
    await this.deps.volumes?.remove(uid);
    this.waiting.delete(uid);
    this.mountErrors.delete(uid);
  }

  private async apply(pod: Pod, step: Step, waiting: Map<string, Waiting>, where: Where): Promise<void> {
    switch (step.kind) {
      case 'start':
        return this.start(pod, step.spec, step.ctype, step.attempt, waiting, where);
      case 'remove':
        return this.removeContainer(step.id);
      case 'kill': {
        this.deps.probes.remove(step.id);
        this.event(pod, 'Normal', 'Killing', `Container ${step.name} failed ${step.why} probe, will be restarted`);
        await this.deps.runtime.stopContainer(step.id, pod.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS);
      }
    }
  }

  private async start(pod: Pod, spec: Container, kind: ContainerKind, attempt: number, waiting: Map<string, Waiting>, where: Where): Promise<void> {
    const { runtime, rootfs } = this.deps;
    const key = waitingKey(kind, spec.name);
    const ref = spec.image ?? '';
    let image;
    try {
      image = await this.deps.images.ensureImage(ref, spec.imagePullPolicy ?? defaultPullPolicy(ref));
    } catch (err) {
      if (!(err instanceof ImagePullError)) throw err;
      if (err.reason !== ImagePullReasons.ImagePullBackOff) this.event(pod, 'Warning', 'Failed', err.message);
      waiting.set(key, { reason: err.reason, message: err.message });
      return;
    }
    let env;
    try {
      env = await resolveContainerEnv({ pod, config: this.deps.config, addresses: where, allocatable: this.deps.allocatable }, spec);
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err;
      // Retried on every sync until the ConfigMap or Secret appears; reported once per distinct problem.
      if (waiting.get(key)?.message !== err.message) this.event(pod, 'Warning', 'Failed', `Error: ${err.message}`);
      waiting.set(key, { reason: WaitingReason.CreateContainerConfigError, message: err.message });
      return;
    }
    if (env.invalidKeys.length) {
      this.event(pod, 'Warning', 'InvalidEnvironmentVariableNames', `Keys [${env.invalidKeys.join(', ')}] from envFrom of container ${spec.name} were skipped since they are invalid environment variable names.`);
    }
    const id = containerId(pod.metadata.uid!, kind, spec.name, attempt);
    try {
      await this.removeContainer(id); // what a crash between create and start left
      const root = await rootfs.ensure(id, image.rootfsPath);
      const mounts = [...await this.deps.podMounts?.mounts(pod) ?? [], ...await this.deps.volumes?.containerMounts(pod, spec, env.vars) ?? []];
      await runtime.createContainer(containerConfig({ pod, spec, kind, attempt, image: image.config, imageID: image.imageID, rootfs: root, env: env.vars, mounts }));
      this.event(pod, 'Normal', 'Created', `Created container ${spec.name}`);
      await runtime.startContainer(id);
      this.event(pod, 'Normal', 'Started', `Started container ${spec.name}`);
    } catch (err) {
      const message = (err as Error).message;
      this.event(pod, 'Warning', 'Failed', `Error: ${message}`);
      waiting.set(key, { reason: WaitingReason.CreateContainerError, message });
      await this.removeContainer(id).catch(() => undefined);
      return;
    }
    waiting.delete(key);
    await this.postStart(pod, spec, id, where);
  }

  /**
   * The postStart hook runs before this sync writes any status, so the container is not shown Running (nor
   * probed) until it succeeds; a failure kills the container, which then restarts per restartPolicy.
   */
  private async postStart(pod: Pod, spec: Container, id: string, where: Where): Promise<void> {
    const hook = spec.lifecycle?.postStart;
    if (!hook) return;
    const result = await runHook(this.deps.hooks, hook, { containerId: id, netnsPath: where.netnsPath, spec, podIP: where.podIP }, POST_START_TIMEOUT_SECONDS);
    if (result.ok) return;
    this.event(pod, 'Warning', 'FailedPostStartHook', `PostStartHook failed for container ${spec.name}: ${result.message}`);
    this.event(pod, 'Normal', 'Killing', `FailedPostStartHook: stopping container ${spec.name}`);
    await this.deps.runtime.stopContainer(id, pod.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS);
  }

  /**
   * Creates or refreshes the pod's volumes (ConfigMap and Secret changes reach their files this way); returns
   * why they cannot be set up yet, in which case no container starts.
   */
  private async setUpVolumes(pod: Pod, addresses: PodAddresses): Promise<string | undefined> {
    const uid = pod.metadata.uid!;
    if (!this.deps.volumes || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return undefined;
    try {
      await this.deps.volumes.setUp(pod, addresses);
      this.mountErrors.delete(uid);
      return undefined;
    } catch (err) {
      if (!(err instanceof VolumeError)) throw err;
      if (this.mountErrors.get(uid) !== err.message) this.event(pod, 'Warning', 'FailedMount', err.message);
      this.mountErrors.set(uid, err.message);
      return err.message;
    }
  }

  private async removeContainer(id: string): Promise<void> {
    this.deps.probes.remove(id);
    await this.deps.runtime.removeContainer(id);
    await this.deps.rootfs.remove(id);
  }

  /** Probes follow running containers; a container adopted after a restart keeps the readiness its status showed. */
  private probeRunning(podKey: string, pod: Pod, observed: ContainerStatus[], netnsPath: string): void {
    for (const c of observed) {
      const spec = c.labels[Labels.kind] === 'app' ? specOf(pod, c) : undefined;
      if (c.state !== 'running' || !spec) {
        this.deps.probes.remove(c.id);
        continue;
      }
      const shown = pod.status?.containerStatuses?.find((s) => s.containerID === `runc://${c.id}`);
      this.deps.probes.ensure(podKey, c.id, netnsPath, spec, { ready: shown?.ready, started: shown?.started });
    }
  }

  private event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.deps.events?.record(pod, type, reason, message);
  }
}
