import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** The one HTTP layer under the distribution client: node:http(s), manual redirects, typed registry errors. */

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  /** Buffered so a request can be re-sent after an auth challenge or a redirect. */
  body?: Buffer;
}

export interface HttpOptions {
  /** Extra CA certificates (PEM) to trust for HTTPS registries. */
  ca?: string | Buffer;
  /** Idle socket timeout; a stalled registry fails the request instead of hanging a pull. */
  timeoutMs?: number;
  userAgent?: string;
}

const MAX_REDIRECTS = 5;
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * A failed registry call, carrying the registry's own error code and message when it sent the standard
 * `{"errors":[{"code","message"}]}` body (e.g. MANIFEST_UNKNOWN "manifest unknown").
 */
export class RegistryError extends Error {
  constructor(readonly status: number, readonly code: string | undefined, readonly registryMessage: string, readonly url: string) {
    super(code ? `${registryMessage} (${code})` : registryMessage);
    this.name = 'RegistryError';
  }
}

/** Reads a whole response body, refusing more than `limit` bytes (manifests and error bodies are small). */
export async function readBody(res: IncomingMessage, limit = 8 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      res.destroy();
      throw new Error(`response from ${res.url ?? 'registry'} exceeds ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Turns a non-success response into a RegistryError, using the registry's error body when there is one. */
export async function registryError(res: IncomingMessage, url: URL): Promise<RegistryError> {
  const status = res.statusCode ?? 0;
  const body = await readBody(res, 64 << 10).catch(() => Buffer.alloc(0));
  try {
    const first = (JSON.parse(body.toString('utf8')) as { errors?: { code?: string; message?: string }[] }).errors?.[0];
    if (first?.code || first?.message) return new RegistryError(status, first.code, first.message ?? first.code ?? '', url.href);
  } catch { /* not a registry error body: describe the HTTP status instead */ }
  const text = body.toString('utf8').trim().slice(0, 200);
  return new RegistryError(status, undefined, `unexpected HTTP status ${status} ${res.statusMessage ?? ''}`.trim() + (text ? `: ${text}` : ''), url.href);
}

function sendOnce(req: HttpRequest, options: HttpOptions): Promise<IncomingMessage> {
  const send = req.url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { 'user-agent': options.userAgent ?? 'cairn-agent', ...req.headers };
  if (req.body) headers['content-length'] = String(req.body.length);
  return new Promise((resolve, reject) => {
    const clientRequest = send(req.url, { method: req.method, headers, ca: options.ca, timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS }, resolve);
    clientRequest.on('timeout', () => clientRequest.destroy(new Error(`${req.method} ${req.url.href}: no response for ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)));
    clientRequest.on('error', (err) => reject(new Error(`${req.method} ${req.url.origin}${req.url.pathname}: ${err.message}`)));
    clientRequest.end(req.body);
  });
}

/**
 * Sends `req`, following redirects (blob downloads are often redirected to storage). Credentials never
 * follow a redirect to another origin. Returns the final response whatever its status.
 */
export async function send(req: HttpRequest, options: HttpOptions): Promise<IncomingMessage> {
  let current = req;
  for (let hop = 0; ; hop++) {
    const res = await sendOnce(current, options);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (![301, 302, 303, 307, 308].includes(status) || !location || current.method === 'PUT' || current.method === 'POST' || current.method === 'PATCH') return res;
    res.resume();
    if (hop >= MAX_REDIRECTS) throw new Error(`${req.method} ${req.url.href}: more than ${MAX_REDIRECTS} redirects`);
    const url = new URL(location, current.url);
    const headers = { ...current.headers };
    if (url.origin !== current.url.origin) delete headers.authorization;
    current = { ...current, url, headers };
  }
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
