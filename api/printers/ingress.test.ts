import { describe, it, expect } from '@jest/globals';
import type { Ingress } from '../types/networking.js';
import { ingressPrinter } from './ingress.js';

const now = new Date('2026-01-01T00:10:00Z');
function row(spec: Ingress['spec'], status?: Ingress['status']): unknown[] {
  return ingressPrinter.cells({ metadata: { name: 'web', creationTimestamp: '2026-01-01T00:00:00Z' }, spec, ...(status ? { status } : {}) }, now);
}
const backend = { service: { name: 'web', port: { number: 80 } } };

describe('ingress printer', () => {
  it('shows class, hosts, address, ports and age like kubectl', () => {
    expect(ingressPrinter.columns.map((c) => c.name)).toEqual(['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age']);
    expect(row({ defaultBackend: backend })).toEqual(['web', '<none>', '*', '', '80', '10m']);
    expect(row({ ingressClassName: 'cairn', rules: [{ host: 'a.example.com' }], tls: [{ secretName: 's' }] }, { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } }))
      .toEqual(['web', 'cairn', 'a.example.com', '192.0.2.1', '80, 443', '10m']);
  });

  it('lists three hosts then counts the rest, and shortens long addresses', () => {
    const rules = ['a', 'b', 'c', 'd', 'e'].map((h) => ({ host: `${h}.example.com` }));
    const status = { loadBalancer: { ingress: [{ ip: '192.0.2.10' }, { ip: '192.0.2.11' }] } };
    const [, , hosts, address] = row({ rules }, status);
    expect(hosts).toBe('a.example.com,b.example.com,c.example.com + 2 more...');
    expect(address).toBe('192.0.2.10,19...');
  });
});
