import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { ApiError, Reason } from '../../api/errors.js';
import type { Status } from '../../api/meta.js';
import type { ClientConfig } from './config.js';

export interface RawResponse {
  status: number;
  body: string;
}

/** HTTP(S) to the registry with keep-alive, the cluster CA and the bearer token. */
export class Transport {
  private readonly base: URL;
  private readonly agent: HttpAgent;
  private readonly secure: boolean;

  constructor(private readonly config: ClientConfig) {
    this.base = new URL(config.server);
    this.secure = this.base.protocol === 'https:';
    this.agent = this.secure
      ? new HttpsAgent({ keepAlive: true, ca: config.ca, maxSockets: 64 })
      : new HttpAgent({ keepAlive: true, maxSockets: 64 });
  }

  /** Starts a request and resolves with the response head; the caller reads or streams the body. */
  open(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
    const url = new URL(path, this.base);
    const request = this.secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method,
        agent: this.agent,
        headers: {
          Accept: 'application/json',
          ...(this.config.token ? { Authorization: `Bearer ${this.config.token}` } : {}),
          ...(body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } : {}),
          ...headers,
        },
      }, resolve);
      req.on('error', reject);
      req.end(body);
    });
  }

  async send(method: string, path: string, body?: string, headers?: Record<string, string>): Promise<RawResponse> {
    const res = await this.open(method, path, body, headers);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') };
  }

  /** Like send, but a non-2xx answer becomes an ApiError carrying the server's Status. */
  async json<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    const res = await this.send(method, path, body === undefined ? undefined : JSON.stringify(body), headers);
    if (res.status >= 200 && res.status < 300) return JSON.parse(res.body) as T;
    throw errorFromResponse(res);
  }

  close(): void {
    this.agent.destroy();
  }
}

export function errorFromResponse(res: RawResponse): ApiError {
  try {
    const status = JSON.parse(res.body) as Status;
    if (status.kind === 'Status') return ApiError.fromStatus(status);
  } catch { /* not a Status body */ }
  return new ApiError(res.status, Reason.InternalError, `unexpected response ${res.status}: ${res.body.slice(0, 200)}`);
}
