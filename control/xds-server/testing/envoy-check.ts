/**
 * Test helpers proving built resources are real Envoy messages that the gRPC xDS client accepts:
 * - `protoErrors`: every key of the object (recursively, through `Any` by its `@type`) is a field of the Envoy
 *   message and every enum value exists; protobufjs alone would silently drop a misspelt field;
 * - `grpcXdsErrors`: the resource encoded with the loaded protos and decoded by @grpc/grpc-js-xds's own resource
 *   types, which apply the validation that makes a real client NACK.
 */
import { register as registerXds } from '@grpc/grpc-js-xds';
import { ClusterResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/cluster-resource-type.js';
import { EndpointResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/endpoint-resource-type.js';
import { ListenerResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/listener-resource-type.js';
import { RouteConfigurationResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/route-config-resource-type.js';
import type { XdsDecodeContext, XdsResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/xds-resource-type.js';
import { loadProtosWithOptionsSync } from '@grpc/proto-loader/build/src/util.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, PROTO_FILES, ROUTE_TYPE, xdsProtoDirs, type ResourceType } from '../protos.js';

type Root = ReturnType<typeof loadProtosWithOptionsSync>;
type MessageType = ReturnType<Root['lookupType']>;

let root: Root | undefined;
function protoRoot(): Root {
  root ??= loadProtosWithOptionsSync([...PROTO_FILES], { keepCase: true, includeDirs: xdsProtoDirs() });
  return root;
}

const typeName = (url: string): string => url.slice(url.lastIndexOf('/') + 1);

function checkMessage(type: MessageType, value: unknown, path: string, errors: string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push(`${path}: ${type.fullName} must be an object, got ${JSON.stringify(value)}`);
    return;
  }
  if (type.fullName === '.google.protobuf.Any') {
    const url = (value as { '@type'?: unknown })['@type'];
    const inner = typeof url === 'string' ? protoRoot().lookup(typeName(url)) : null;
    if (!inner || !('fields' in inner)) errors.push(`${path}: Any with unknown @type ${String(url)}`);
    else checkMessage(inner as MessageType, Object.fromEntries(Object.entries(value).filter(([k]) => k !== '@type')), path, errors);
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    const field = type.fields[key];
    if (!field) {
      errors.push(`${path}.${key}: no such field in ${type.fullName}`);
      continue;
    }
    if (v === undefined || v === null) continue;
    field.resolve();
    let items: unknown[] = [v];
    if (field.map) items = Object.values(v as object);
    else if (field.repeated) {
      if (!Array.isArray(v)) errors.push(`${path}.${key}: repeated field needs an array`);
      items = Array.isArray(v) ? v : [];
    }
    for (const [i, item] of items.entries()) {
      const at = items.length > 1 || field.repeated || field.map ? `${path}.${key}[${i}]` : `${path}.${key}`;
      const resolved = field.resolvedType;
      if (resolved && 'fields' in resolved) checkMessage(resolved as MessageType, item, at, errors);
      else if (resolved && 'values' in resolved && !(String(item) in resolved.values)) errors.push(`${at}: ${String(item)} is not a value of ${resolved.fullName}`);
    }
  }
}

/** Fields and enum values of `body` that the Envoy message of `typeUrl` does not have. */
export function protoErrors(typeUrl: string, body: object): string[] {
  const errors: string[] = [];
  checkMessage(protoRoot().lookupType(typeName(typeUrl)), body, typeName(typeUrl), errors);
  return errors;
}

const DECODERS: Record<ResourceType, () => XdsResourceType> = {
  [LISTENER_TYPE]: () => ListenerResourceType.get(),
  [ROUTE_TYPE]: () => RouteConfigurationResourceType.get(),
  [CLUSTER_TYPE]: () => ClusterResourceType.get(),
  [ENDPOINT_TYPE]: () => EndpointResourceType.get(),
};

/** The error @grpc/grpc-js-xds reports decoding `body` as it would arrive in a response; undefined when accepted. */
export function grpcXdsErrors(typeUrl: ResourceType, body: object): string | undefined {
  registerXds(); // registers the HTTP filters and LB policies the decoders look up
  const type = protoRoot().lookupType(typeName(typeUrl));
  const value = Buffer.from(type.encode(type.fromObject(body)).finish());
  // Only TLS (certificate providers) and LRS (server) read the context; neither is used here.
  const context = { bootstrap: { certificateProviders: {} }, server: {} } as unknown as XdsDecodeContext;
  return DECODERS[typeUrl]().decode(context, { type_url: typeUrl, value }).error;
}
