import { describe, expect, it } from '@jest/globals';
import { buildServiceResources } from './resources.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE } from './protos.js';
import { destinationPolicy, endpoints, pod, service, storeOf, trafficRoute } from './testing/mesh-fixtures.js';

const WEB = 'web.shop.svc.cluster.local:80';
const ips = (cla: unknown): string[] => ((cla as { endpoints: { lb_endpoints: { endpoint: { address: { socket_address: { address: string } } } }[] }[] }).endpoints
  .flatMap((g) => g.lb_endpoints.map((e) => e.endpoint.address.socket_address.address)));
const split = trafficRoute('split', 'web', [{ backends: [{ service: 'web', subset: { labels: { version: 'v1' } }, weight: 90 }, { service: 'web', subset: { labels: { version: 'v2', track: 'beta' } }, weight: 10 }] }]);

describe('subset clusters', () => {
  it('gives each subset a TrafficRoute asks for its own cluster with the ready endpoints whose pods carry its labels', () => {
    const eps = endpoints('web', { a: '10.0.0.1', b: '10.0.0.2', c: '10.0.0.3' });
    eps.subsets![0]!.addresses!.push({ ip: '10.0.0.4' }); // no targetRef: in the Service's cluster, in no subset
    const store = storeOf(['TrafficRoute', split], ['Endpoints', eps],
      ['Pod', pod('a', { version: 'v1' })], ['Pod', pod('b', { version: 'v2', track: 'beta' })], ['Pod', pod('c', { version: 'v2' })]);
    const set = buildServiceResources(service('web'), store, 'cluster.local');
    const v1 = `${WEB}|version=v1`;
    const v2 = `${WEB}|track=beta,version=v2`;
    expect([...set[CLUSTER_TYPE].keys()]).toEqual([WEB, v1, v2]);
    expect(set[CLUSTER_TYPE].get(v2)).toMatchObject({ name: v2, type: 'EDS', eds_cluster_config: { service_name: v2, eds_config: { ads: {} } } });
    expect(ips(set[ENDPOINT_TYPE].get(WEB))).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']);
    expect(ips(set[ENDPOINT_TYPE].get(v1))).toEqual(['10.0.0.1']);
    expect(ips(set[ENDPOINT_TYPE].get(v2))).toEqual(['10.0.0.2']);
  });

  it('builds no subset clusters for a Service no route splits', () => {
    const set = buildServiceResources(service('api'), storeOf(['TrafficRoute', split]), 'cluster.local');
    expect([...set[CLUSTER_TYPE].keys()]).toEqual(['api.shop.svc.cluster.local:80']);
  });
});

describe('DestinationPolicy → Cluster', () => {
  const clusterWith = (spec: Parameters<typeof destinationPolicy>[1]): Record<string, unknown> =>
    buildServiceResources(service('web'), storeOf(['DestinationPolicy', destinationPolicy('p', spec)]), 'cluster.local')[CLUSTER_TYPE].get(WEB) as Record<string, unknown>;

  it('maps each load-balancing policy so that Envoy and gRPC both accept it', () => {
    expect(clusterWith({ service: 'web' })).toMatchObject({ lb_policy: 'ROUND_ROBIN' });
    expect(clusterWith({ service: 'web', loadBalancer: { policy: 'RingHash', hashOn: { header: 'x-user' } } })).toMatchObject({ lb_policy: 'RING_HASH', ring_hash_lb_config: { hash_function: 'XX_HASH' } });
    for (const [policy, type] of [['LeastRequest', 'least_request.v3.LeastRequest'], ['Maglev', 'maglev.v3.Maglev']] as const) {
      const c = clusterWith({ service: 'web', loadBalancer: { policy, ...(policy === 'Maglev' ? { hashOn: { sourceIP: true } } : {}) } });
      expect(c.lb_policy).toBeUndefined();
      expect((c.load_balancing_policy as { policies: { typed_extension_config: { typed_config: { '@type': string } } }[] }).policies.map((p) => p.typed_extension_config.typed_config['@type'])).toEqual([
        `type.googleapis.com/envoy.extensions.load_balancing_policies.${type}`,
        'type.googleapis.com/envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin',
      ]);
    }
  });

  it('sets circuit-breaker thresholds, outlier detection and the routes’ largest retry budget on the Service and its subsets', () => {
    const route = trafficRoute('r', 'web', [
      { backends: [{ service: 'web', subset: { labels: { version: 'v1' } } }], retries: { budgetPercent: 20 } },
      { backends: [{ service: 'web' }], retries: { budgetPercent: 35 } },
      { backends: [{ service: 'other' }], retries: { budgetPercent: 90 } },
    ]);
    const policy = destinationPolicy('p', {
      service: 'web',
      connectionPool: { maxConnections: 100, maxPendingRequests: 10, maxRequests: 200, maxRetries: 3 },
      outlierDetection: { consecutive5xx: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
      tls: { mode: 'Mutual' },
    });
    const set = buildServiceResources(service('web'), storeOf(['TrafficRoute', route], ['DestinationPolicy', policy]), 'cluster.local');
    for (const name of [WEB, `${WEB}|version=v1`]) {
      expect(set[CLUSTER_TYPE].get(name)).toMatchObject({
        circuit_breakers: { thresholds: [{
          priority: 'DEFAULT', max_connections: { value: 100 }, max_pending_requests: { value: 10 }, max_requests: { value: 200 }, max_retries: { value: 3 },
          retry_budget: { budget_percent: { value: 35 } },
        }] },
        outlier_detection: {
          consecutive_5xx: { value: 5 }, interval: { seconds: '10', nanos: 0 }, base_ejection_time: { seconds: '30', nanos: 0 },
          max_ejection_percent: { value: 50 }, enforcing_success_rate: { value: 0 },
        },
      });
    }
    expect(set[CLUSTER_TYPE].get(WEB)).not.toHaveProperty('transport_socket'); // TLS waits for issue 8
  });
});
