/** Server-side Table printing (`kubectl get`) and its text rendering (`cairn get`). */
export type { Table, TableRow, TableColumnDefinition, Cell, KindPrinter } from './types.js';
export { buildTable, printerFor } from './table.js';
export type { IncludeObject } from './table.js';
export { renderTable } from './render.js';
export { formatAge, humanDuration } from './duration.js';
export { formatLabels, formatLabelSelector } from './helpers.js';
export { podSummary } from './pod.js';
export { nodeRoles, nodeStatus } from './node.js';
export { formatServicePorts, serviceClusterIP, serviceExternalIP } from './service.js';
export { formatEndpoints } from './endpoints.js';
export { eventTarget, eventTimes, formatEventSource } from './event.js';
