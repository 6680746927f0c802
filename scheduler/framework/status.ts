/** A plugin's verdict, as kube-scheduler's framework.Status: a code, human-readable reasons, and who said it. */
export type Code =
  /** The pod may go here / the step succeeded. */
  | 'Success'
  /** Something went wrong that is not about the pod or node (a bug, an API failure). */
  | 'Error'
  /** Not here now; preempting pods on this node might change that. */
  | 'Unschedulable'
  /** Not here, and evicting pods would not help (node selector, taint, unknown node). */
  | 'UnschedulableAndUnresolvable'
  /** Permit: hold the pod until allowed or timed out. */
  | 'Wait'
  /** PreFilter/PreScore: this plugin has nothing to say for this pod; skip its Filter/Score. */
  | 'Skip';

export class Status {
  constructor(readonly code: Code, readonly reasons: readonly string[] = [], public plugin = '') {}

  static unschedulable(...reasons: string[]): Status {
    return new Status('Unschedulable', reasons);
  }

  static unresolvable(...reasons: string[]): Status {
    return new Status('UnschedulableAndUnresolvable', reasons);
  }

  static error(message: string): Status {
    return new Status('Error', [message]);
  }

  static skip(): Status {
    return new Status('Skip');
  }

  isSuccess(): boolean {
    return this.code === 'Success';
  }

  /** The pod cannot go there (as opposed to an error or a wait). */
  isRejected(): boolean {
    return this.code === 'Unschedulable' || this.code === 'UnschedulableAndUnresolvable';
  }

  message(): string {
    return this.reasons.join(', ');
  }
}

/** Success is the common answer: plugins return `undefined` for it, and the framework never allocates one. */
export type MaybeStatus = Status | undefined;

export function isSuccess(s: MaybeStatus): boolean {
  return s === undefined || s.code === 'Success';
}
