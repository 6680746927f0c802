/**
 * Server certificates by SNI name, from the `kubernetes.io/tls` Secrets that Ingresses name in `spec.tls`.
 * A name no Ingress covers (or whose Secret is missing or unusable) gets the proxy's default certificate, as
 * ingress controllers do, so the handshake still completes and the client decides whether to trust it.
 */
import { createSecureContext, type SecureContext } from 'node:tls';
import type { Secret } from '../../api/types/core.js';
import type { Ingress } from '../../api/types/networking.js';
import { normalizeHost } from './routes.js';

export const TLS_SECRET_TYPE = 'kubernetes.io/tls';

export interface PemPair {
  cert: string;
  key: string;
}

export type SecretLookup = (namespace: string, name: string) => Secret | undefined;

/** The PEM pair a TLS Secret carries, or why it cannot serve. */
export function tlsPairFromSecret(secret: Secret | undefined): PemPair | string {
  if (!secret) return 'secret not found';
  if (secret.type !== TLS_SECRET_TYPE) return `secret type is ${String(secret.type)}, not ${TLS_SECRET_TYPE}`;
  const cert = secret.data?.['tls.crt'];
  const key = secret.data?.['tls.key'];
  if (!cert || !key) return 'secret lacks tls.crt or tls.key';
  return { cert: Buffer.from(cert, 'base64').toString('utf8'), key: Buffer.from(key, 'base64').toString('utf8') };
}

/** Immutable SNI table; `update` builds a new one, reusing contexts of unchanged Secrets. */
export class CertificateStore {
  private readonly defaultContext: SecureContext;
  private byHost = new Map<string, SecureContext>();
  /** Parsed contexts by `namespace/name@resourceVersion`: parsing keys is the expensive part. */
  private cache = new Map<string, SecureContext>();

  constructor(defaultPair: PemPair, private readonly log: (msg: string, fields?: Record<string, unknown>) => void = () => {}) {
    this.defaultContext = createSecureContext(defaultPair);
  }

  /** Rebuilds the table; the first Ingress claiming a host keeps it (callers pass them oldest first, as for routes). */
  update(ingresses: Ingress[], secrets: SecretLookup): void {
    const byHost = new Map<string, SecureContext>();
    const cache = new Map<string, SecureContext>();
    for (const ing of ingresses) {
      const ns = ing.metadata.namespace ?? 'default';
      for (const tls of ing.spec?.tls ?? []) {
        if (!tls.secretName) continue;
        const context = this.contextFor(ns, tls.secretName, secrets, cache);
        if (!context) continue;
        // A TLS entry without hosts covers the hosts of the Ingress's own rules.
        const hosts = tls.hosts?.length ? tls.hosts : (ing.spec?.rules ?? []).map((r) => r.host ?? '').filter(Boolean);
        for (const host of hosts) if (!byHost.has(host)) byHost.set(host, context);
      }
    }
    this.byHost = byHost;
    this.cache = cache;
  }

  private contextFor(ns: string, name: string, secrets: SecretLookup, cache: Map<string, SecureContext>): SecureContext | undefined {
    const secret = secrets(ns, name);
    const key = `${ns}/${name}@${secret?.metadata.resourceVersion ?? ''}`;
    const known = cache.get(key) ?? this.cache.get(key);
    if (known) {
      cache.set(key, known);
      return known;
    }
    const pair = tlsPairFromSecret(secret);
    if (typeof pair === 'string') {
      this.log('ingress: TLS secret unusable; serving the default certificate', { secret: `${ns}/${name}`, reason: pair });
      return undefined;
    }
    try {
      const context = createSecureContext(pair);
      cache.set(key, context);
      return context;
    } catch (err) {
      this.log('ingress: TLS secret unusable; serving the default certificate', { secret: `${ns}/${name}`, reason: (err as Error).message });
      return undefined;
    }
  }

  /** The context for an SNI name: exact host, then a `*.` wildcard over its first label, else the default. */
  select(servername: string): SecureContext {
    const host = normalizeHost(servername);
    const dot = host.indexOf('.');
    return this.byHost.get(host) ?? (dot > 0 ? this.byHost.get(`*${host.slice(dot)}`) : undefined) ?? this.defaultContext;
  }
}
