import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { DigestMismatchError, digestHex, sha256Digest } from './digest.js';
import { MANIFEST_ACCEPT } from './manifest.js';
import { registryApiHost, type ImageReference } from './reference.js';
import { RegistryAuthorizer, type RegistryCredentials } from './registry-auth.js';
import { header, readBody, registryError, send, type HttpOptions, type HttpRequest } from './registry-http.js';

/** A client for the OCI distribution API v2 (pull and push), one per agent so auth tokens are shared. */

export interface DistributionClientOptions extends HttpOptions {
  /** Whether to speak plain HTTP to `registry`; default: only to loopback hosts, as Docker does. */
  plainHttp?: (registry: string) => boolean;
}

export interface FetchedManifest {
  /** sha256 of the exact bytes received: the manifest's identity. */
  digest: string;
  mediaType: string;
  body: Buffer;
}

const MAX_MANIFEST_BYTES = 4 << 20;

function isLoopback(registry: string): boolean {
  const host = new URL(`http://${registry}`).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export class DistributionClient {
  private readonly authorizer: RegistryAuthorizer;

  constructor(private readonly options: DistributionClientOptions = {}) {
    this.authorizer = new RegistryAuthorizer(options);
  }

  /** A handle on one repository; `push` asks for push rights as well when authenticating. */
  repository(ref: Pick<ImageReference, 'registry' | 'repository'>, credentials?: RegistryCredentials, push = false): RepositoryClient {
    const scheme = (this.options.plainHttp ?? isLoopback)(ref.registry) ? 'http' : 'https';
    const base = new URL(`${scheme}://${registryApiHost(ref.registry)}/v2/${ref.repository}/`);
    return new RepositoryClient(ref.registry, base, `repository:${ref.repository}:${push ? 'pull,push' : 'pull'}`, this.authorizer, this.options, credentials);
  }
}

/**
 * Requests against one repository. Every request first carries the authorization cached for this scope;
 * a 401 is answered once through the challenge it carries, then the request is re-sent.
 */
export class RepositoryClient {
  constructor(
    private readonly registry: string,
    private readonly base: URL,
    private readonly scope: string,
    private readonly authorizer: RegistryAuthorizer,
    private readonly http: HttpOptions,
    private readonly credentials?: RegistryCredentials,
  ) {}

  /**
   * The manifest (or index) named by a tag or digest. When `reference` is a digest, or the registry states
   * one in Docker-Content-Digest, the received bytes must hash to it.
   */
  async getManifest(reference: string): Promise<FetchedManifest> {
    const url = this.url(`manifests/${reference}`);
    const res = await this.ok(await this.request({ method: 'GET', url, headers: { accept: MANIFEST_ACCEPT.join(', ') } }), url);
    const body = await readBody(res, MAX_MANIFEST_BYTES);
    const digest = sha256Digest(body);
    const expected = reference.startsWith('sha256:') ? reference : header(res.headers, 'docker-content-digest');
    if (expected && expected !== digest) throw new DigestMismatchError(`manifest ${reference}`, expected, digest);
    return { digest, mediaType: header(res.headers, 'content-type')?.split(';')[0].trim() ?? '', body };
  }

  /** The raw, unverified bytes of a blob: callers verify them against `digest` while consuming the stream. */
  async fetchBlob(digest: string): Promise<Readable> {
    digestHex(digest);
    const url = this.url(`blobs/${digest}`);
    return this.ok(await this.request({ method: 'GET', url }), url);
  }

  async blobExists(digest: string): Promise<boolean> {
    const url = this.url(`blobs/${digest}`);
    const res = await this.request({ method: 'HEAD', url });
    res.resume();
    if (res.statusCode === 404) return false;
    await this.ok(res, url);
    return true;
  }

  /** Uploads a blob in one piece (POST to open an upload, PUT with the digest), unless the registry has it. */
  async pushBlob(digest: string, data: Buffer): Promise<void> {
    if (await this.blobExists(digest)) return;
    const start = this.url('blobs/uploads/');
    const opened = await this.ok(await this.request({ method: 'POST', url: start, body: Buffer.alloc(0) }), start);
    opened.resume();
    const location = header(opened.headers, 'location');
    if (!location) throw new Error(`registry ${this.registry} opened an upload without a Location`);
    const url = new URL(location, start);
    url.searchParams.set('digest', digest);
    const done = await this.ok(await this.request({ method: 'PUT', url, headers: { 'content-type': 'application/octet-stream' }, body: data }), url);
    done.resume();
  }

  /** Stores a manifest under `reference` (a tag, or its digest); returns its digest. */
  async putManifest(reference: string, body: Buffer, mediaType: string): Promise<string> {
    const url = this.url(`manifests/${reference}`);
    const res = await this.ok(await this.request({ method: 'PUT', url, headers: { 'content-type': mediaType }, body }), url);
    res.resume();
    return sha256Digest(body);
  }

  private url(path: string): URL {
    return new URL(path, this.base);
  }

  private async ok(res: IncomingMessage, url: URL): Promise<IncomingMessage> {
    if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) return res;
    throw await registryError(res, url);
  }

  private async request(req: HttpRequest): Promise<IncomingMessage> {
    const withAuth = (authorization: string | undefined): HttpRequest =>
      authorization ? { ...req, headers: { ...req.headers, authorization } } : req;
    const res = await send(withAuth(this.authorizer.cached(this.registry, this.scope, this.credentials)), this.http);
    if (res.statusCode !== 401) return res;
    const authorization = await this.authorizer.authorize(this.registry, header(res.headers, 'www-authenticate'), this.scope, this.credentials)
      .catch((err: unknown) => { res.resume(); throw err; });
    if (!authorization) return res;
    res.resume();
    const retried = await send(withAuth(authorization), this.http);
    if (retried.statusCode === 401) this.authorizer.forget(this.registry, this.scope, this.credentials);
    return retried;
  }
}
