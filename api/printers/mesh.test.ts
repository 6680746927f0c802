import { describe, expect, it } from '@jest/globals';
import { buildTable } from './table.js';

const now = new Date('2026-01-01T00:10:00Z');
const meta = (name: string) => ({ name, namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' });

describe('mesh printers', () => {
  it('TrafficRoute: NAME, SERVICE, RULES, AGE', () => {
    const table = buildTable('TrafficRoute', [
      { kind: 'TrafficRoute', metadata: meta('reviews'), spec: { service: 'reviews', rules: [{ backends: [] }, { backends: [] }] } },
    ], { now, includeObject: 'None' });
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Service', 'Rules', 'Age']);
    expect(table.rows[0]!.cells).toEqual(['reviews', 'reviews', 2, '10m']);
  });

  it('DestinationPolicy: NAME, SERVICE, POLICY, wide TLS, AGE', () => {
    const table = buildTable('DestinationPolicy', [
      { kind: 'DestinationPolicy', metadata: meta('a'), spec: { service: 'a', loadBalancer: { policy: 'Maglev' }, tls: { mode: 'Mutual' } } },
      { kind: 'DestinationPolicy', metadata: meta('b'), spec: { service: 'b' } },
    ], { now, includeObject: 'None' });
    expect(table.columnDefinitions.map((c) => [c.name, c.priority])).toEqual([['Name', 0], ['Service', 0], ['Policy', 0], ['TLS', 1], ['Age', 0]]);
    expect(table.rows.map((r) => r.cells)).toEqual([['a', 'a', 'Maglev', 'Mutual', '10m'], ['b', 'b', '<none>', '<none>', '10m']]);
  });

  it('MeshAuthorization: the guarded Service and action, or the namespace default', () => {
    const table = buildTable('MeshAuthorization', [
      { kind: 'MeshAuthorization', metadata: meta('allow-fe'), spec: { destination: { service: 'api' }, action: 'Allow', sources: [{ namespace: 'fe' }] } },
      { kind: 'MeshAuthorization', metadata: meta('deny-all'), spec: { default: 'Deny' } },
    ], { now, includeObject: 'None' });
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Service', 'Action', 'Sources', 'Age']);
    expect(table.rows.map((r) => r.cells)).toEqual([['allow-fe', 'api', 'Allow', 1, '10m'], ['deny-all', '<namespace default>', 'Deny', 0, '10m']]);
  });
});
