import { describe, it, expect } from '@jest/globals';
import { renderTable } from './render.js';
import { buildTable } from './table.js';
import type { Table } from './types.js';

const now = new Date('2024-05-01T12:00:00Z');

function table(): Table {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {},
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: '', priority: 0 },
      { name: 'Ready', type: 'string', format: '', description: '', priority: 0 },
      { name: 'Nominated Node', type: 'string', format: '', description: '', priority: 1 },
      { name: 'Age', type: 'string', format: '', description: '', priority: 0 },
    ],
    rows: [
      { cells: ['web-1', '1/1', '<none>', '5m'], object: { metadata: { name: 'web-1', namespace: 'shop' } } },
      { cells: ['database-primary', '0/1', 'node-b', '12d'], object: { metadata: { name: 'database-primary', namespace: 'data' } } },
    ],
  };
}

describe('renderTable', () => {
  it('upper-cases headers and left-aligns columns three spaces apart, hiding wide columns', () => {
    expect(renderTable(table(), { wide: false })).toBe(
      [
        'NAME               READY   AGE',
        'web-1              1/1     5m',
        'database-primary   0/1     12d',
        '',
      ].join('\n'),
    );
  });

  it('shows priority columns when wide', () => {
    expect(renderTable(table(), { wide: true })).toBe(
      [
        'NAME               READY   NOMINATED NODE   AGE',
        'web-1              1/1     <none>           5m',
        'database-primary   0/1     node-b           12d',
        '',
      ].join('\n'),
    );
  });

  it('puts NAMESPACE first from each row object and can drop headers', () => {
    expect(renderTable(table(), { wide: false, namespaceColumn: true, noHeaders: true })).toBe(
      ['shop   web-1              1/1   5m', 'data   database-primary   0/1   12d', ''].join('\n'),
    );
  });

  it('never leaves trailing spaces, even when the last cell is empty', () => {
    const t = table();
    t.rows[0].cells[3] = '';
    const out = renderTable(t, { wide: false });
    for (const line of out.split('\n')) expect(line).toBe(line.trimEnd());
    expect(out.split('\n')[1]).toBe('web-1              1/1');
  });

  it('prints numbers and booleans, and cuts multi-line cells', () => {
    const t = buildTable('PriorityClass', [{ kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000, globalDefault: false }], { now, includeObject: 'None' });
    expect(renderTable(t, { wide: false }).split('\n')[1]).toMatch(/^high\s{3}1000\s{3,}false\s{3,}<unknown>$/);
    const multi = table();
    multi.rows[0].cells[0] = 'first line\nsecond line';
    expect(renderTable(multi, { wide: false })).toContain('first line...');
    expect(renderTable(multi, { wide: false })).not.toContain('second line');
  });

  it('prints nothing for an empty table', () => {
    expect(renderTable({ ...table(), rows: [] }, { wide: false })).toBe('');
  });

  it('renders a built pod table end to end', () => {
    const pod = {
      kind: 'Pod',
      metadata: { name: 'web-1', namespace: 'shop', creationTimestamp: '2024-05-01T11:00:00Z' },
      spec: { containers: [{ name: 'app' }], nodeName: 'node-a' },
      status: { phase: 'Running', podIP: '10.1.0.9', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: 'x', state: { running: {} } }] },
    };
    const out = renderTable(buildTable('Pod', [pod], { now, includeObject: 'Metadata' }), { wide: true, namespaceColumn: true });
    expect(out).toBe(
      [
        'NAMESPACE   NAME    READY   STATUS    RESTARTS   AGE   IP         NODE     NOMINATED NODE   READINESS GATES',
        'shop        web-1   1/1     Running   0          60m   10.1.0.9   node-a   <none>           <none>',
        '',
      ].join('\n'),
    );
  });
});
