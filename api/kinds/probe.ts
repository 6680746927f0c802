/** Probes and lifecycle hooks: exactly one handler, valid ports, sane timings. */
import { forbidden, invalid, required, type FieldError } from '../errors.js';
import { isIANASvcName, isValidPortNum, validateKnownFields } from '../validation/common.js';
import { EXEC_FIELDS, GRPC_FIELDS, HTTP_GET_FIELDS, LIFECYCLE_FIELDS, LIFECYCLE_HANDLERS, PROBE_FIELDS, PROBE_HANDLERS, TCP_SOCKET_FIELDS } from './pod-fields.js';
import { child, index, optArray, optEnum, optInt, optObject, optString, optStringList, problems, type Fields, requiredBecause } from './util.js';

/** A port given as a number (1-65535) or as the name of a container port (IANA service name). */
export function validatePortNumOrName(value: unknown, path: string): FieldError[] {
  if (value === undefined || value === null || value === '' || value === 0) return [required(path)];
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return [invalid(path, value, 'must be an integer')];
    return problems(path, value, isValidPortNum(value));
  }
  if (typeof value === 'string') return problems(path, value, isIANASvcName(value));
  return [invalid(path, value, 'must be a port number (1-65535) or a port name')];
}

function validateHttpGet(v: Fields, path: string, errs: FieldError[]): void {
  errs.push(...validateKnownFields(v, HTTP_GET_FIELDS, path));
  optString(v.path, child(path, 'path'), errs);
  optString(v.host, child(path, 'host'), errs);
  errs.push(...validatePortNumOrName(v.port, child(path, 'port')));
  optEnum(v.scheme, child(path, 'scheme'), ['HTTP', 'HTTPS'], errs);
  (optArray(v.httpHeaders, child(path, 'httpHeaders'), errs) ?? []).forEach((h, i) => {
    const hp = index(child(path, 'httpHeaders'), i);
    const header = optObject(h, hp, errs);
    if (!header) return;
    errs.push(...validateKnownFields(header, ['name', 'value'], hp));
    const name = optString(header.name, child(hp, 'name'), errs);
    if (!name) errs.push(required(child(hp, 'name')));
    else if (!/^[-!#$%&'*+.^_`|~0-9A-Za-z]+$/.test(name)) errs.push(invalid(child(hp, 'name'), name, 'must be a valid HTTP header name'));
    optString(header.value, child(hp, 'value'), errs);
  });
}

function validateOneHandler(name: string, value: unknown, path: string, errs: FieldError[]): void {
  const v = optObject(value, path, errs);
  if (!v) return;
  switch (name) {
    case 'exec':
      errs.push(...validateKnownFields(v, EXEC_FIELDS, path));
      if (!(optStringList(v.command, child(path, 'command'), errs) ?? []).length) errs.push(required(child(path, 'command')));
      return;
    case 'httpGet':
      return validateHttpGet(v, path, errs);
    case 'tcpSocket':
      errs.push(...validateKnownFields(v, TCP_SOCKET_FIELDS, path));
      optString(v.host, child(path, 'host'), errs);
      errs.push(...validatePortNumOrName(v.port, child(path, 'port')));
      return;
    case 'grpc':
      errs.push(...validateKnownFields(v, GRPC_FIELDS, path));
      if (typeof v.port !== 'number') errs.push(v.port === undefined ? required(child(path, 'port')) : invalid(child(path, 'port'), v.port, 'must be a port number'));
      else errs.push(...validatePortNumOrName(v.port, child(path, 'port')));
      optString(v.service, child(path, 'service'), errs);
      return;
    case 'sleep':
      errs.push(...validateKnownFields(v, ['seconds'], path));
      if (v.seconds === undefined) errs.push(required(child(path, 'seconds')));
      optInt(v.seconds, child(path, 'seconds'), errs, { min: 0 });
      return;
  }
}

/** Exactly one of `handlers` must be set (Kubernetes: "must specify a handler type"). */
function validateHandlers(obj: Fields, path: string, handlers: readonly string[], errs: FieldError[]): void {
  const set = handlers.filter((h) => obj[h] !== undefined && obj[h] !== null);
  if (set.length === 0) errs.push(requiredBecause(path, `must specify a handler type (one of: ${handlers.join(', ')})`));
  set.forEach((h, i) => {
    if (i > 0) errs.push(forbidden(child(path, h), 'may not specify more than 1 handler type'));
    else validateOneHandler(h, obj[h], child(path, h), errs);
  });
}

export type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

export function validateProbe(value: unknown, path: string, kind: ProbeKind): FieldError[] {
  const errs: FieldError[] = [];
  const probe = optObject(value, path, errs);
  if (!probe) return errs;
  errs.push(...validateKnownFields(probe, PROBE_FIELDS, path));
  validateHandlers(probe, path, PROBE_HANDLERS, errs);
  optInt(probe.initialDelaySeconds, child(path, 'initialDelaySeconds'), errs, { min: 0 });
  for (const f of ['timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    optInt(probe[f], child(path, f), errs, { min: 1 });
  }
  // Liveness and startup probes answer "alive or not", so one success must be enough.
  if (kind !== 'readinessProbe' && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    errs.push(invalid(child(path, 'successThreshold'), probe.successThreshold, 'must be 1'));
  }
  if (probe.terminationGracePeriodSeconds !== undefined) {
    if (kind === 'readinessProbe') errs.push(forbidden(child(path, 'terminationGracePeriodSeconds'), 'may not be set for readinessProbes'));
    else optInt(probe.terminationGracePeriodSeconds, child(path, 'terminationGracePeriodSeconds'), errs, { min: 1 });
  }
  return errs;
}

export function validateLifecycle(value: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const lc = optObject(value, path, errs);
  if (!lc) return errs;
  errs.push(...validateKnownFields(lc, LIFECYCLE_FIELDS, path));
  for (const hook of ['postStart', 'preStop'] as const) {
    const h = optObject(lc[hook], child(path, hook), errs);
    if (!h) continue;
    errs.push(...validateKnownFields(h, LIFECYCLE_HANDLERS, child(path, hook)));
    validateHandlers(h, child(path, hook), LIFECYCLE_HANDLERS, errs);
  }
  optString(lc.stopSignal, child(path, 'stopSignal'), errs);
  return errs;
}
