/** Endpoints (core/v1): the addresses behind a service, written by the endpoints controller. */
import { duplicate, required, type FieldError } from '../errors.js';
import { isObject } from '../meta.js';
import type { KindStrategy } from '../strategy.js';
import type { Endpoints } from '../types/core.js';
import { isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidPortNum, validateKnownFields, validateObjectMeta } from '../validation/common.js';
import { PROTOCOLS } from './container.js';
import { isUsableIP } from './net.js';
import { child, index, metaSelectableFields, optArray, optEnum, optInt, optName, optObject, optString, problems, validateMetaUpdate } from './util.js';

const ENDPOINTS_FIELDS = ['apiVersion', 'kind', 'metadata', 'subsets'] as const;
const SUBSET_FIELDS = ['addresses', 'notReadyAddresses', 'ports'] as const;
const ADDRESS_FIELDS = ['ip', 'hostname', 'nodeName', 'targetRef'] as const;
const PORT_FIELDS = ['name', 'port', 'protocol', 'appProtocol'] as const;
const REFERENCE_FIELDS = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'] as const;

function validateAddresses(value: unknown, path: string, errs: FieldError[]): void {
  (optArray(value, path, errs) ?? []).forEach((a, i) => {
    const ap = index(path, i);
    const addr = optObject(a, ap, errs);
    if (!addr) return;
    errs.push(...validateKnownFields(addr, ADDRESS_FIELDS, ap));
    const ip = optString(addr.ip, child(ap, 'ip'), errs);
    if (!ip) errs.push(required(child(ap, 'ip')));
    else errs.push(...problems(child(ap, 'ip'), ip, isUsableIP(ip)));
    errs.push(...optName(addr.hostname, child(ap, 'hostname'), isDns1123Label));
    errs.push(...optName(addr.nodeName, child(ap, 'nodeName'), isDns1123Subdomain));
    const ref = optObject(addr.targetRef, child(ap, 'targetRef'), errs);
    if (ref) errs.push(...validateKnownFields(ref, REFERENCE_FIELDS, child(ap, 'targetRef')));
  });
}

function validatePorts(value: unknown, path: string, errs: FieldError[]): void {
  const ports = optArray(value, path, errs) ?? [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = index(path, i);
    const port = optObject(p, pp, errs);
    if (!port) return;
    errs.push(...validateKnownFields(port, PORT_FIELDS, pp));
    const name = optString(port.name, child(pp, 'name'), errs);
    if (!name) {
      if (ports.length > 1) errs.push(required(child(pp, 'name')));
    } else {
      errs.push(...problems(child(pp, 'name'), name, isDns1123Label(name)));
      if (names.has(name)) errs.push(duplicate(child(pp, 'name'), name));
      names.add(name);
    }
    if (port.port === undefined || port.port === null) errs.push(required(child(pp, 'port')));
    else if (optInt(port.port, child(pp, 'port'), errs) !== undefined) errs.push(...problems(child(pp, 'port'), port.port, isValidPortNum(port.port as number)));
    optEnum(port.protocol, child(pp, 'protocol'), PROTOCOLS, errs, true);
    const app = optString(port.appProtocol, child(pp, 'appProtocol'), errs);
    if (app) errs.push(...problems(child(pp, 'appProtocol'), app, isQualifiedName(app)));
  });
}

function validate(ep: Endpoints): FieldError[] {
  const errs: FieldError[] = [
    ...validateKnownFields(ep, ENDPOINTS_FIELDS, ''),
    ...validateObjectMeta(ep.metadata, { namespaced: true, nameValidator: isDns1123Subdomain }),
  ];
  (optArray(ep.subsets, 'subsets', errs) ?? []).forEach((s, i) => {
    const sp = index('subsets', i);
    const subset = optObject(s, sp, errs);
    if (!subset) return;
    errs.push(...validateKnownFields(subset, SUBSET_FIELDS, sp));
    validateAddresses(subset.addresses, child(sp, 'addresses'), errs);
    validateAddresses(subset.notReadyAddresses, child(sp, 'notReadyAddresses'), errs);
    validatePorts(subset.ports, child(sp, 'ports'), errs);
  });
  return errs;
}

export const endpointsStrategy = {
  applyDefaults(ep: Endpoints): void {
    for (const subset of Array.isArray(ep.subsets) ? ep.subsets.filter(isObject) : []) {
      for (const port of Array.isArray(subset.ports) ? subset.ports.filter(isObject) : []) port.protocol ||= 'TCP';
    }
  },
  validate,
  validateUpdate(ep: Endpoints, old: Endpoints): FieldError[] {
    return [...validate(ep), ...validateMetaUpdate(ep, old)];
  },
  selectableFields(ep: Endpoints): Record<string, string> {
    return metaSelectableFields(ep, true);
  },
} satisfies KindStrategy<Endpoints>;
