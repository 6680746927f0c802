/**
 * The Envoy xDS v3 protos, loaded at runtime from the copies @grpc/grpc-js-xds ships in its deps/ folders
 * (envoyproxy/data-plane-api, cncf/xds, googleapis, protoc-gen-validate), so no proto is hand-written here.
 * Every resource type a response carries is loaded into the same root: protobufjs packs an `Any` written as
 * `{ '@type': url, ...fields }` only when it can find that type.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

export const LISTENER_TYPE = 'type.googleapis.com/envoy.config.listener.v3.Listener';
export const ROUTE_TYPE = 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration';
export const CLUSTER_TYPE = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
export const ENDPOINT_TYPE = 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment';
export const HTTP_CONNECTION_MANAGER_TYPE = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
export const ROUTER_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';
export const FAULT_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault';
export const RBAC_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC';
export const LEAST_REQUEST_TYPE = 'type.googleapis.com/envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest';
export const MAGLEV_TYPE = 'type.googleapis.com/envoy.extensions.load_balancing_policies.maglev.v3.Maglev';
export const ROUND_ROBIN_TYPE = 'type.googleapis.com/envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin';

/** The four resource types Cairn serves, in make-before-break push order (clusters before the routes naming them). */
export const RESOURCE_TYPES = [CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** Short names of the types, for metric labels and debug output. */
export const TYPE_LABELS: Record<ResourceType, string> = { [CLUSTER_TYPE]: 'cds', [ENDPOINT_TYPE]: 'eds', [LISTENER_TYPE]: 'lds', [ROUTE_TYPE]: 'rds' };

/** Every message a response can carry, directly or inside an Any (exported for tests that encode resources). */
export const PROTO_FILES = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/fault/v3/fault.proto',
  'envoy/extensions/filters/http/rbac/v3/rbac.proto',
  'envoy/extensions/load_balancing_policies/least_request/v3/least_request.proto',
  'envoy/extensions/load_balancing_policies/maglev/v3/maglev.proto',
  'envoy/extensions/load_balancing_policies/round_robin/v3/round_robin.proto',
];

/** The folders of @grpc/grpc-js-xds holding the protos and their imports. */
export function xdsProtoDirs(): string[] {
  const root = dirname(createRequire(import.meta.url).resolve('@grpc/grpc-js-xds/package.json'));
  return ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => join(root, 'deps', d));
}

const loaded = new Map<boolean, ServiceDefinition>();

/**
 * `envoy.service.discovery.v3.AggregatedDiscoveryService`, with snake_case fields, string enums and default values.
 * `unpackAny` (for clients) decodes every received `Any` into `{ '@type': url, ...fields }`, the shape the server
 * writes; without it an `Any` arrives as `{ type_url, value: Buffer }`.
 */
export function aggregatedDiscoveryService(unpackAny = false): ServiceDefinition {
  const cached = loaded.get(unpackAny);
  if (cached) return cached;
  const definition = loadSync(PROTO_FILES, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, json: unpackAny, includeDirs: xdsProtoDirs() });
  // loadPackageDefinition returns nested namespaces typed as a loose record; the path below is fixed by the proto.
  const grpcObject = loadPackageDefinition(definition) as unknown as {
    envoy: { service: { discovery: { v3: { AggregatedDiscoveryService: { service: ServiceDefinition } } } } };
  };
  const service = grpcObject.envoy.service.discovery.v3.AggregatedDiscoveryService.service;
  loaded.set(unpackAny, service);
  return service;
}
