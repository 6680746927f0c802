/** networking.k8s.io/v1 kinds. */
import type { ApiObject, ObjectMeta } from '../meta.js';

export interface ServiceBackendPort { name?: string; number?: number }
export interface IngressServiceBackend { name: string; port?: ServiceBackendPort }
export interface TypedLocalObjectReference { apiGroup?: string; kind: string; name: string }
export interface IngressBackend { service?: IngressServiceBackend; resource?: TypedLocalObjectReference }
export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';
export interface HTTPIngressPath { path?: string; pathType: PathType; backend: IngressBackend }
export interface IngressRule { host?: string; http?: { paths: HTTPIngressPath[] } }
export interface IngressTLS { hosts?: string[]; secretName?: string }
export interface IngressSpec { ingressClassName?: string; defaultBackend?: IngressBackend; rules?: IngressRule[]; tls?: IngressTLS[] }
export interface IngressPortStatus { port: number; protocol: 'TCP' | 'UDP' | 'SCTP'; error?: string }
export interface IngressLoadBalancerIngress { ip?: string; hostname?: string; ports?: IngressPortStatus[] }
export interface IngressStatus { loadBalancer?: { ingress?: IngressLoadBalancerIngress[] } }
export interface Ingress extends ApiObject { metadata: ObjectMeta; spec: IngressSpec; status?: IngressStatus }

export interface IngressClassSpec { controller?: string; parameters?: { apiGroup?: string; kind: string; name: string; scope?: 'Cluster' | 'Namespace'; namespace?: string } }
export interface IngressClass extends ApiObject { metadata: ObjectMeta; spec?: IngressClassSpec }
