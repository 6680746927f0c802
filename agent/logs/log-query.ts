/**
 * The query of a log request (`follow`, `tailLines`, `sinceSeconds`, `sinceTime`, `timestamps`, `previous`,
 * `limitBytes`), as the registry's pods/log and the agent's /containerLogs take it (Kubernetes' PodLogOptions).
 */
import { badRequest } from '../../api/errors.js';
import { timeNs } from './cri-entries.js';
import type { LogOptions } from './log-reader.js';

/** The query parameters passed from the registry to the agent; anything else is dropped. */
export const LOG_QUERY_PARAMS = ['follow', 'tailLines', 'sinceSeconds', 'sinceTime', 'timestamps', 'previous', 'limitBytes'] as const;

export interface LogRequest extends LogOptions {
  previous: boolean;
}

function flag(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v === 'true' || v === '1';
}

function count(query: URLSearchParams, name: string, min: number): number | undefined {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  if (!/^-?\d+$/.test(text) || Number(text) < min) throw badRequest(`${name} must be a whole number of at least ${min}, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** Throws a 400 ApiError for a malformed value; `nowMs` anchors sinceSeconds. */
export function parseLogQuery(query: URLSearchParams, nowMs: number): LogRequest {
  const sinceSeconds = count(query, 'sinceSeconds', 1);
  const sinceTime = query.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime) throw badRequest('at most one of sinceTime or sinceSeconds may be specified');
  let sinceNs: bigint | undefined;
  if (sinceSeconds !== undefined) sinceNs = BigInt(nowMs - sinceSeconds * 1000) * 1_000_000n;
  else if (sinceTime) {
    sinceNs = timeNs(sinceTime);
    if (sinceNs === undefined) throw badRequest(`sinceTime must be an RFC 3339 time, got ${JSON.stringify(sinceTime)}`);
  }
  // A negative tailLines means "all", as in Kubernetes.
  const tail = count(query, 'tailLines', -Infinity);
  return {
    follow: flag(query, 'follow'),
    previous: flag(query, 'previous'),
    timestamps: flag(query, 'timestamps'),
    tailLines: tail !== undefined && tail >= 0 ? tail : undefined,
    limitBytes: count(query, 'limitBytes', 1),
    sinceNs,
  };
}
