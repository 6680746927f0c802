/** DestinationPolicy (mesh.cairn.dev/v1alpha1): how clients balance, pool, eject and secure connections to one Service. */
import { forbidden, invalid, type FieldError } from '../errors.js';
import { LB_POLICIES, type DestinationPolicy } from '../types/mesh.js';
import { exactlyOne, isSet, meshStrategy, optDuration, optPercent, optStruct, requiredService, validateHeaderName } from './mesh-fields.js';
import { child, optBool, optEnum, optInt, requiredBecause, type Fields } from './util.js';

const SPEC_FIELDS = ['service', 'loadBalancer', 'connectionPool', 'outlierDetection', 'tls'] as const;
const POOL_FIELDS = ['maxConnections', 'maxPendingRequests', 'maxRequests', 'maxRetries'] as const;
const HASHING_POLICIES: readonly string[] = ['RingHash', 'Maglev'];
export const TLS_MODES = ['Disable', 'Mutual'] as const;

function validateLoadBalancer(value: unknown, errs: FieldError[]): void {
  const path = 'spec.loadBalancer';
  const lb = optStruct(value, path, ['policy', 'hashOn'], errs);
  if (!lb) return;
  const pp = child(path, 'policy');
  if (!isSet(lb.policy)) errs.push(requiredBecause(pp, `choose one of ${LB_POLICIES.join(', ')}`));
  const policy = optEnum(lb.policy, pp, LB_POLICIES, errs);
  const hp = child(path, 'hashOn');
  if (policy && HASHING_POLICIES.includes(policy) && !isSet(lb.hashOn)) {
    errs.push(requiredBecause(hp, `${policy} needs a hash key: set \`header\` (a request header name) or \`sourceIP: true\``));
  } else if (policy && !HASHING_POLICIES.includes(policy) && isSet(lb.hashOn)) {
    errs.push(forbidden(hp, `only RingHash and Maglev hash requests; remove \`hashOn\` or change the policy`));
  }
  const hashOn = optStruct(lb.hashOn, hp, ['header', 'sourceIP'], errs);
  if (!hashOn) return;
  const by = exactlyOne(hashOn, ['header', 'sourceIP'], hp, errs);
  if (by === 'header') validateHeaderName(hashOn.header, child(hp, 'header'), errs);
  if (by === 'sourceIP' && optBool(hashOn.sourceIP, child(hp, 'sourceIP'), errs) === false) {
    errs.push(invalid(child(hp, 'sourceIP'), false, 'must be true to hash on the client address; otherwise set `header`'));
  }
}

function validateSpec(spec: Fields, errs: FieldError[]): void {
  requiredService(spec.service, 'spec.service', errs);
  validateLoadBalancer(spec.loadBalancer, errs);
  const pool = optStruct(spec.connectionPool, 'spec.connectionPool', POOL_FIELDS, errs);
  if (pool) for (const f of POOL_FIELDS) optInt(pool[f], child('spec.connectionPool', f), errs, { min: 1 });
  const od = optStruct(spec.outlierDetection, 'spec.outlierDetection', ['consecutive5xx', 'interval', 'baseEjectionTime', 'maxEjectionPercent'], errs);
  if (od) {
    optInt(od.consecutive5xx, 'spec.outlierDetection.consecutive5xx', errs, { min: 1 });
    optDuration(od.interval, 'spec.outlierDetection.interval', errs);
    optDuration(od.baseEjectionTime, 'spec.outlierDetection.baseEjectionTime', errs);
    optPercent(od.maxEjectionPercent, 'spec.outlierDetection.maxEjectionPercent', errs);
  }
  const tls = optStruct(spec.tls, 'spec.tls', ['mode'], errs);
  if (tls) {
    if (!isSet(tls.mode)) errs.push(requiredBecause('spec.tls.mode', `choose one of ${TLS_MODES.join(', ')}`));
    optEnum(tls.mode, 'spec.tls.mode', TLS_MODES, errs);
  }
}

export const destinationPolicyStrategy = meshStrategy<DestinationPolicy>(SPEC_FIELDS, validateSpec);
