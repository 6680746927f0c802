import type { Status, StatusCause } from './meta.js';

/** Reasons as the Kubernetes API names them (metav1.StatusReason), so clients branch on them unchanged. */
export const Reason = {
  BadRequest: 'BadRequest',
  NotFound: 'NotFound',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Invalid: 'Invalid',
  Gone: 'Expired',
  MethodNotAllowed: 'MethodNotAllowed',
  NotAcceptable: 'NotAcceptable',
  UnsupportedMediaType: 'UnsupportedMediaType',
  RequestEntityTooLarge: 'RequestEntityTooLarge',
  Unauthorized: 'Unauthorized',
  Forbidden: 'Forbidden',
  InternalError: 'InternalError',
  ServiceUnavailable: 'ServiceUnavailable',
  Timeout: 'Timeout',
  TooManyRequests: 'TooManyRequests',
} as const;
export type ReasonName = (typeof Reason)[keyof typeof Reason];

export interface ErrorTarget {
  group?: string;
  kind?: string;
  name?: string;
}

/** An API failure that becomes a `Status` body with the given HTTP code. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: ReasonName,
    message: string,
    readonly target: ErrorTarget = {},
    readonly causes: StatusCause[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Status {
    const details = { ...this.target, ...(this.causes.length ? { causes: this.causes } : {}) };
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(Object.keys(details).length ? { details } : {}),
      code: this.code,
    };
  }

  static fromStatus(status: Status): ApiError {
    const { causes, ...target } = status.details ?? {};
    return new ApiError(status.code, status.reason as ReasonName, status.message, target, causes ?? []);
  }
}

/** One invalid field: `path` like `spec.containers[0].image`, `message` says what is wrong and what would be right. */
export interface FieldError {
  path: string;
  type: 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueNotSupported' | 'FieldValueDuplicate' | 'FieldValueForbidden' | 'FieldValueTooLong';
  message: string;
}

export function required(path: string, message = 'Required value'): FieldError {
  return { path, type: 'FieldValueRequired', message };
}
export function invalid(path: string, value: unknown, detail: string): FieldError {
  return { path, type: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${detail}` };
}
export function notSupported(path: string, value: unknown, allowed: readonly string[]): FieldError {
  return {
    path,
    type: 'FieldValueNotSupported',
    message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.map((v) => `"${v}"`).join(', ')}`,
  };
}
export function duplicate(path: string, value: unknown): FieldError {
  return { path, type: 'FieldValueDuplicate', message: `Duplicate value: ${JSON.stringify(value)}` };
}
export function forbidden(path: string, detail: string): FieldError {
  return { path, type: 'FieldValueForbidden', message: `Forbidden: ${detail}` };
}
export function tooLong(path: string, max: number): FieldError {
  return { path, type: 'FieldValueTooLong', message: `Too long: must have at most ${max} bytes` };
}

/** 422 Invalid, naming every failing field the way `kubectl` prints it. */
export function invalidObject(kind: string, name: string, errors: FieldError[], group = ''): ApiError {
  const list = errors.map((e) => `${e.path}: ${e.message}`).join(', ');
  return new ApiError(422, Reason.Invalid, `${kind} "${name}" is invalid: ${list}`, { group, kind, name },
    errors.map((e) => ({ reason: e.type, message: `${e.path}: ${e.message}`, field: e.path })));
}

export function notFound(resource: string, name: string, group = ''): ApiError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new ApiError(404, Reason.NotFound, `${qualified} "${name}" not found`, { group, kind: resource, name });
}

export function alreadyExists(resource: string, name: string, group = ''): ApiError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new ApiError(409, Reason.AlreadyExists, `${qualified} "${name}" already exists`, { group, kind: resource, name });
}

export function conflict(resource: string, name: string, detail: string, group = ''): ApiError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new ApiError(409, Reason.Conflict,
    `Operation cannot be fulfilled on ${qualified} "${name}": ${detail}`, { group, kind: resource, name });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, Reason.BadRequest, message);
}

export function gone(message: string): ApiError {
  return new ApiError(410, Reason.Gone, message);
}
