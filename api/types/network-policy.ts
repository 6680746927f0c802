/** networking.k8s.io/v1 NetworkPolicy. */
import type { ApiObject, ObjectMeta } from '../meta.js';
import type { LabelSelector } from './core.js';

export type PolicyType = 'Ingress' | 'Egress';
export type NetworkProtocol = 'TCP' | 'UDP' | 'SCTP';

/** Addresses outside the selector model: `cidr` minus each `except` (each a strict subset of `cidr`). */
export interface IPBlock { cidr: string; except?: string[] }

/**
 * One peer: pods (podSelector in the policy's namespace, or in the namespaces namespaceSelector picks),
 * or an ipBlock, never both.
 */
export interface NetworkPolicyPeer { podSelector?: LabelSelector; namespaceSelector?: LabelSelector; ipBlock?: IPBlock }

/** A port (number or the destination pod's container port name) or, with endPort, the range port..endPort. */
export interface NetworkPolicyPort { protocol?: NetworkProtocol; port?: number | string; endPort?: number }

/** Empty `from`/`ports` match every source/port; a rule allows when both its peers and its ports match. */
export interface NetworkPolicyIngressRule { from?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }
export interface NetworkPolicyEgressRule { to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }

export interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: PolicyType[];
  ingress?: NetworkPolicyIngressRule[];
  egress?: NetworkPolicyEgressRule[];
}

export interface NetworkPolicy extends ApiObject { metadata: ObjectMeta; spec: NetworkPolicySpec }
