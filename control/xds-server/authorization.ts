/**
 * MeshAuthorization as Envoy RBAC HTTP filters on the destination's inbound listener. Semantics (Istio's):
 * - Deny policies are checked first: a request matching one is refused;
 * - if any Allow policy names the Service, only requests matching one of them pass;
 * - otherwise the namespace default decides (Allow when no default is set).
 * Hence at most two filters: a DENY RBAC with the Deny policies, then an ALLOW RBAC with the Allow policies (empty,
 * so refusing everything, when the default is Deny and no Allow policy exists).
 *
 * A policy matches when the caller is one of its sources and the request one of its rules (no rules: any request).
 * Callers are identified by the SPIFFE name in their mTLS certificate (`spiffe://<zone>/ns/<ns>/sa/<sa>`): a source
 * with a service account matches exactly, a namespace alone matches every service account of it by prefix.
 * Enforcement needs mTLS (issue 8); gRPC's proxyless client cannot enforce it, so only Envoy-style sidecars do.
 */
import type { MeshAuthorization, MeshAuthorizationRule, MeshSource } from '../../api/types/mesh.js';
import type { MeshInputs } from './mesh-store.js';
import { spiffeId } from './naming.js';
import { RBAC_TYPE } from './protos.js';

export interface HttpFilter { name: string; typed_config: { '@type': string } & Record<string, unknown> }

function principal(source: MeshSource, policyNamespace: string, zone: string): object {
  const namespace = source.namespace ?? policyNamespace;
  const name = source.serviceAccount
    ? { exact: spiffeId(namespace, source.serviceAccount, zone) }
    : { prefix: `spiffe://${zone}/ns/${namespace}/sa/` };
  return { authenticated: { principal_name: name } };
}

function permission(rule: MeshAuthorizationRule): object {
  const parts: object[] = [];
  const paths = (rule.paths ?? []).map((p) => ({ url_path: { path: p.endsWith('*') ? { prefix: p.slice(0, -1) } : { exact: p } } }));
  const methods = (rule.methods ?? []).map((m) => ({ header: { name: ':method', string_match: { exact: m } } }));
  if (paths.length) parts.push({ or_rules: { rules: paths } });
  if (methods.length) parts.push({ or_rules: { rules: methods } });
  return parts.length ? { and_rules: { rules: parts } } : { any: true };
}

function policy(authz: MeshAuthorization, zone: string): object {
  const namespace = authz.metadata.namespace ?? 'default';
  const rules = authz.spec.rules ?? [];
  return {
    permissions: rules.length ? rules.map(permission) : [{ any: true }],
    principals: (authz.spec.sources ?? []).map((s) => principal(s, namespace, zone)),
  };
}

function rbacFilter(name: string, action: 'ALLOW' | 'DENY', policies: MeshAuthorization[], zone: string): HttpFilter {
  const byName = Object.fromEntries(policies.map((p) => [`${p.metadata.namespace ?? 'default'}/${p.metadata.name ?? ''}`, policy(p, zone)]));
  return { name, typed_config: { '@type': RBAC_TYPE, rules: { action, policies: byName } } };
}

/** The RBAC filters (in chain order) guarding `service`; none when every caller is allowed. */
export function authorizationFilters(inputs: MeshInputs, namespace: string, service: string, zone: string): HttpFilter[] {
  const policies = inputs.authorizations(namespace, service).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const deny = policies.filter((p) => p.spec.action === 'Deny');
  const allow = policies.filter((p) => p.spec.action === 'Allow');
  const filters: HttpFilter[] = [];
  if (deny.length) filters.push(rbacFilter('envoy.filters.http.rbac.deny', 'DENY', deny, zone));
  if (allow.length || inputs.namespaceDefault(namespace) === 'Deny') filters.push(rbacFilter('envoy.filters.http.rbac.allow', 'ALLOW', allow, zone));
  return filters;
}
