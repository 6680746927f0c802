/**
 * Delta xDS over gRPC: @grpc/grpc-js-xds speaks only State of the World, so this drives
 * DeltaAggregatedResources with a plain gRPC client built from the same Envoy protos, against a real registry.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { credentials, makeGenericClientConstructor, type ClientDuplexStream } from '@grpc/grpc-js';
import type { Service } from '../../api/types/core.js';
import type { DeltaDiscoveryRequest } from '@grpc/grpc-js-xds/build/src/generated/envoy/service/discovery/v3/DeltaDiscoveryRequest.js';
import type { DeltaDiscoveryResponse } from '../../control/xds-server/delta-stream.js';
import { aggregatedDiscoveryService, CLUSTER_TYPE } from '../../control/xds-server/protos.js';
import { startXdsServer, type XdsServer } from '../../control/xds-server/server.js';
import { startTestCluster, TEST_PREFIX, type TestCluster } from '../harness/cluster.js';
import { waitFor } from '../harness/wait.js';

const SERVICE = `${TEST_PREFIX}delta`.slice(0, 63).replace(/-$/, '');
const CLUSTER = `${SERVICE}.default.svc.cluster.local:80`;

describe('Delta xDS', () => {
  let cluster: TestCluster;
  let xds: XdsServer;
  let call: ClientDuplexStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse> | undefined;

  beforeAll(async () => {
    cluster = await startTestCluster();
    xds = await startXdsServer({ client: cluster.client, host: '127.0.0.1', port: 0, writeStatus: false });
  });

  afterAll(async () => {
    call?.cancel();
    await xds?.stop();
    await cluster?.stop();
  });

  it('sends new clusters to a wildcard subscriber, records its ACK, and names removed ones', async () => {
    const Ads = makeGenericClientConstructor(aggregatedDiscoveryService(), 'AggregatedDiscoveryService');
    const client = new Ads(`127.0.0.1:${xds.port}`, credentials.createInsecure()) as unknown as {
      DeltaAggregatedResources(): ClientDuplexStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse>;
    };
    const responses: DeltaDiscoveryResponse[] = [];
    call = client.DeltaAggregatedResources();
    call.on('data', (r: DeltaDiscoveryResponse) => responses.push(r));
    call.on('error', () => {});
    call.write({ node: { id: `${TEST_PREFIX}delta-node` }, type_url: CLUSTER_TYPE });

    await cluster.client.resource<Service>('services').create({ metadata: { name: SERVICE, namespace: 'default' }, spec: { ports: [{ port: 80 }] } });
    const added = await waitFor('the new cluster', () => responses.find((r) => r.resources?.some((x) => x.name === CLUSTER)));
    expect(added.type_url).toBe(CLUSTER_TYPE);
    expect(added.resources!.find((x) => x.name === CLUSTER)!.resource).toMatchObject({ type_url: CLUSTER_TYPE });
    call.write({ type_url: CLUSTER_TYPE, response_nonce: added.nonce });
    await waitFor('the ACK on the debug view', () => xds.registry.list().find((p) => p.node === `${TEST_PREFIX}delta-node`)?.types.cds?.lastAckedVersion === added.system_version_info);

    await cluster.client.resource<Service>('services').delete(SERVICE, 'default');
    const removed = await waitFor('the removal', () => responses.find((r) => r.removed_resources?.includes(CLUSTER)));
    expect(removed.resources).toEqual([]);
  });
});
