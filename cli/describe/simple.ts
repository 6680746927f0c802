/** Namespace, ConfigMap and Secret: short describers with kubectl's layout. */
import type { Namespace, ConfigMap, Secret } from '../../api/types/core.js';
import type { DescribeWriter } from './writer.js';
import { sortedEntries } from './format.js';

export function describeNamespace(w: DescribeWriter, ns: Namespace): void {
  w.line(0, 'Status:', ns.status?.phase ?? '');
}

export function describeConfigMap(w: DescribeWriter, cm: ConfigMap): void {
  w.blank();
  w.raw('Data\n====');
  for (const [key, value] of sortedEntries(cm.data)) {
    w.raw(`${key}:\n----\n${value}\n`);
  }
  w.blank();
  w.raw('BinaryData\n====');
  for (const [key, value] of sortedEntries(cm.binaryData)) {
    w.raw(`${key}: ${Buffer.from(value, 'base64').length} bytes`);
  }
  w.blank();
}

/** Sizes only: describe must never print a Secret's values. */
export function describeSecret(w: DescribeWriter, secret: Secret): void {
  w.blank();
  w.line(0, 'Type:', secret.type ?? 'Opaque');
  w.blank();
  w.raw('Data\n====');
  const sizes = new Map<string, number>();
  for (const [key, value] of sortedEntries(secret.data)) sizes.set(key, Buffer.from(value, 'base64').length);
  // stringData never reaches storage, but count it rather than show it if a caller passes it.
  for (const [key, value] of sortedEntries(secret.stringData)) sizes.set(key, Buffer.byteLength(value, 'utf8'));
  for (const [key, size] of [...sizes].sort(([a], [b]) => (a < b ? -1 : 1))) w.line(0, `${key}:`, `${size} bytes`);
  w.blank();
}
