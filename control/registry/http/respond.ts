import type { ServerResponse } from 'node:http';
import { ApiError, Reason } from '../../../api/errors.js';

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  sendRaw(res, code, JSON.stringify(body));
}

/** A complete JSON body (text or already-encoded bytes) with its length. */
export function sendRaw(res: ServerResponse, code: number, json: string | Buffer): void {
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json), 'Cache-Control': 'no-cache, private' });
  res.end(json);
}

/** Every failure leaves as a Status body; unexpected errors become 500 without leaking internals beyond the message. */
export function sendError(res: ServerResponse, err: unknown): number {
  const apiErr = err instanceof ApiError
    ? err
    : new ApiError(500, Reason.InternalError, `Internal error occurred: ${(err as Error)?.message ?? String(err)}`);
  if (res.headersSent) {
    res.destroy();
    return apiErr.code;
  }
  sendJson(res, apiErr.code, apiErr.toStatus());
  return apiErr.code;
}

/** The client asked for a server-side Table (`kubectl get`): `as=Table;g=meta.k8s.io` in Accept. */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => /;\s*as=Table/.test(part) && /;\s*g=meta\.k8s\.io/.test(part));
}
