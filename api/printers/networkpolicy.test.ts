import { describe, expect, it } from '@jest/globals';
import { buildTable } from './table.js';

describe('NetworkPolicy printer', () => {
  it('shows NAME, POD-SELECTOR and AGE like kubectl', () => {
    const now = new Date('2026-01-01T00:10:00Z');
    const table = buildTable('NetworkPolicy', [
      { kind: 'NetworkPolicy', metadata: { name: 'db', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { podSelector: { matchLabels: { app: 'db' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] } } },
      { kind: 'NetworkPolicy', metadata: { name: 'all', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { podSelector: {} } },
    ], { now, includeObject: 'None' });
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Pod-Selector', 'Age']);
    expect(table.rows.map((r) => r.cells)).toEqual([['db', 'app=db,tier in (a,b)', '10m'], ['all', '<none>', '10m']]);
  });
});
