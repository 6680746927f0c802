import { readBody, registryError, send, type HttpOptions } from './registry-http.js';

/** Credentials for one registry (from an image pull secret or the agent's configuration). */
export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses the first challenge of a `WWW-Authenticate` header: `Bearer realm="…",service="…",scope="…"`. */
export function parseChallenge(value: string): Challenge | undefined {
  const match = /^\s*([A-Za-z][\w-]*)\s*(.*)$/s.exec(value);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const param = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?\s*/gy;
  const rest = match[2];
  param.lastIndex = 0;
  for (let m = param.exec(rest); m; m = param.exec(rest)) {
    params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
    if (param.lastIndex >= rest.length) break;
  }
  return { scheme: match[1].toLowerCase(), params };
}

function basic(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

interface CachedAuthorization {
  authorization: string;
  expiresAt: number;
}

/**
 * Answers registry auth challenges: Basic with the given credentials, or the Docker token flow (ask the
 * challenge's realm for a bearer token for the service and scope, sending credentials when there are any,
 * anonymously otherwise). Answers are cached per registry, scope and user (bearer tokens until shortly
 * before they expire), so a pull of many blobs, or many pulls from one repository, authenticate once.
 */
export class RegistryAuthorizer {
  private readonly cache = new Map<string, CachedAuthorization>();

  constructor(private readonly http: HttpOptions, private readonly now: () => number = Date.now) {}

  /** The Authorization header that last worked for `scope`, to send before being challenged. */
  cached(registry: string, scope: string, credentials?: RegistryCredentials): string | undefined {
    const entry = this.cache.get(cacheKey(registry, scope, credentials));
    return entry && entry.expiresAt > this.now() ? entry.authorization : undefined;
  }

  /**
   * The Authorization header answering `challengeHeader`, or undefined when there is nothing to answer
   * with (Basic without credentials: the registry's own 401 is the best explanation). Throws when the
   * token server refuses (a RegistryError) or the challenge is not understood.
   */
  async authorize(registry: string, challengeHeader: string | undefined, scope: string, credentials?: RegistryCredentials): Promise<string | undefined> {
    const challenge = challengeHeader ? parseChallenge(challengeHeader) : undefined;
    let answer: CachedAuthorization;
    if (challenge?.scheme === 'basic') {
      if (!credentials) return undefined;
      answer = { authorization: basic(credentials), expiresAt: Infinity };
    } else if (challenge?.scheme === 'bearer' && challenge.params.realm) {
      answer = await this.fetchToken(challenge.params.realm, challenge.params.service, challenge.params.scope ?? scope, credentials);
    } else {
      throw new Error(`registry ${registry} answered 401 with an unsupported challenge "${challengeHeader ?? ''}"`);
    }
    this.cache.set(cacheKey(registry, scope, credentials), answer);
    return answer.authorization;
  }

  /** Forgets what was cached for `scope` (after the registry refused it). */
  forget(registry: string, scope: string, credentials?: RegistryCredentials): void {
    this.cache.delete(cacheKey(registry, scope, credentials));
  }

  private async fetchToken(realm: string, service: string | undefined, scope: string, credentials?: RegistryCredentials): Promise<CachedAuthorization> {
    const url = new URL(realm);
    if (service) url.searchParams.set('service', service);
    for (const s of scope.split(' ').filter(Boolean)) url.searchParams.append('scope', s);
    const headers: Record<string, string> = credentials ? { authorization: basic(credentials) } : {};
    const res = await send({ method: 'GET', url, headers }, this.http);
    if ((res.statusCode ?? 0) >= 300) {
      const err = await registryError(res, url);
      err.message = `token server ${url.origin} refused: ${err.message}`;
      throw err;
    }
    const body = JSON.parse((await readBody(res, 1 << 20)).toString('utf8')) as { token?: string; access_token?: string; expires_in?: number };
    const token = body.token ?? body.access_token;
    if (!token) throw new Error(`token server ${url.origin} answered without a token`);
    // The spec's default lifetime is 60 s; renew 10 s early so a token never expires mid-request.
    const lifetimeMs = Math.max((body.expires_in ?? 60) - 10, 1) * 1000;
    return { authorization: `Bearer ${token}`, expiresAt: this.now() + lifetimeMs };
  }
}

function cacheKey(registry: string, scope: string, credentials?: RegistryCredentials): string {
  return `${registry}|${scope}|${credentials?.username ?? ''}`;
}
