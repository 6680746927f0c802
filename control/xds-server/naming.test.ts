import { describe, expect, it } from '@jest/globals';
import { inboundListenerName, resourceName, serviceDomains, servicePortResourceName, subsetClusterName } from './naming.js';

describe('derived resource names', () => {
  const base = resourceName('web', 'shop', 80, 'cluster.local');

  it('name a subset by its sorted labels, whatever order they were written in', () => {
    expect(subsetClusterName(base, { version: 'v2', 'app.kubernetes.io/track': 'beta' })).toBe('web.shop.svc.cluster.local:80|app.kubernetes.io/track=beta,version=v2');
    expect(subsetClusterName(base, { b: '1', a: '2' })).toBe(subsetClusterName(base, { a: '2', b: '1' }));
  });

  it('lead back to the Service port name', () => {
    for (const derived of [base, subsetClusterName(base, { version: 'v2' }), inboundListenerName(base)]) expect(servicePortResourceName(derived)).toBe(base);
  });
});

describe('service domains', () => {
  it('list the names and cluster IPs, each alone and with the port', () => {
    const domains = serviceDomains('web', 'shop', 80, 'cluster.local', ['10.96.0.7', 'fd00::7', 'None']);
    expect(domains).toEqual(expect.arrayContaining(['web.shop.svc.cluster.local', 'web.shop.svc.cluster.local:80', '10.96.0.7', '10.96.0.7:80', '[fd00::7]:80']));
    expect(domains).not.toContain('web');
    expect(domains.some((d) => d.startsWith('None'))).toBe(false);
    expect(serviceDomains('api', 'shop', 8080, 'cluster.local')).toEqual(['api.shop.svc.cluster.local:8080']);
  });
});
