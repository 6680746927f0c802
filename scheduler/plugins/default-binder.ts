/** DefaultBinder: binds through the pod's `binding` subresource; the API refuses a pod already bound or being deleted. */
import type { CycleState } from '../framework/cycle-state.js';
import type { PodInfo } from '../framework/pod-info.js';
import { Status, type MaybeStatus } from '../framework/status.js';
import type { BindPlugin, FrameworkHandle, PluginFactory } from '../framework/types.js';

export const DEFAULT_BINDER = 'DefaultBinder';

export class DefaultBinder implements BindPlugin {
  readonly name = DEFAULT_BINDER;

  constructor(private readonly handle: FrameworkHandle) {}

  async bind(_state: CycleState, pod: PodInfo, nodeName: string): Promise<MaybeStatus> {
    try {
      await this.handle.api.bind(pod.pod, nodeName);
      return undefined;
    } catch (err) {
      return Status.error(`binding ${pod.key} to ${nodeName}: ${(err as Error).message}`);
    }
  }
}

export const defaultBinderFactory: PluginFactory = (_args, handle) => new DefaultBinder(handle);
