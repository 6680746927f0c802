import { describe, expect, it } from '@jest/globals';
import { inboundListenerName, resourceName, servicePortResourceName, subsetClusterName } from './naming.js';

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
