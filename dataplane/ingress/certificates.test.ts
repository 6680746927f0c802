import { describe, it, expect, beforeAll } from '@jest/globals';
import type { Secret } from '../../api/types/core.js';
import type { Ingress } from '../../api/types/networking.js';
import { createSelfSignedServingCert } from '../../control/pki/certificates.js';
import { CertificateStore, tlsPairFromSecret, type PemPair } from './certificates.js';

let defaultPair: PemPair;
let shopPair: PemPair;
beforeAll(async () => {
  defaultPair = await createSelfSignedServingCert('default', ['ingress.local'], []);
  shopPair = await createSelfSignedServingCert('shop', ['*.shop.example.com'], []);
});

function tlsSecret(name: string, pair: PemPair, type = 'kubernetes.io/tls'): Secret {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  return { metadata: { name, namespace: 'shop', resourceVersion: '1' }, type, data: { 'tls.crt': b64(pair.cert), 'tls.key': b64(pair.key) } };
}
function ingress(tls: Ingress['spec']['tls'], hosts: string[] = []): Ingress {
  return { metadata: { name: 'shop', namespace: 'shop' }, spec: { tls, rules: hosts.map((host) => ({ host })) } };
}

describe('tlsPairFromSecret', () => {
  it('decodes a TLS secret and explains why others cannot serve', () => {
    expect(tlsPairFromSecret(tlsSecret('s', shopPair))).toEqual(shopPair);
    expect(tlsPairFromSecret(undefined)).toBe('secret not found');
    expect(tlsPairFromSecret(tlsSecret('s', shopPair, 'Opaque'))).toContain('not kubernetes.io/tls');
  });
});

describe('CertificateStore', () => {
  it('selects by exact name, then by a wildcard over one label, else the default', () => {
    const store = new CertificateStore(defaultPair);
    const secrets = { 'shop/shop-tls': tlsSecret('shop-tls', shopPair) } as Record<string, Secret>;
    store.update([ingress([{ hosts: ['*.shop.example.com'], secretName: 'shop-tls' }])], (ns, n) => secrets[`${ns}/${n}`]);
    const fallback = store.select('unknown.example.com');
    const shop = store.select('www.shop.example.com');
    expect(shop).not.toBe(fallback);
    expect(store.select('API.shop.example.com')).toBe(shop);
    expect(store.select('a.b.shop.example.com')).toBe(fallback);
  });

  it('a TLS entry without hosts covers the rule hosts; a missing or malformed secret leaves the default', () => {
    const broken: Secret = { ...tlsSecret('broken', shopPair), data: { 'tls.crt': 'bm9wZQ==', 'tls.key': 'bm9wZQ==' } };
    const secrets = { 'shop/shop-tls': tlsSecret('shop-tls', shopPair), 'shop/broken': broken } as Record<string, Secret>;
    const reasons: unknown[] = [];
    const logging = new CertificateStore(defaultPair, (_msg, fields) => reasons.push(fields?.secret));
    const ings = [ingress([{ secretName: 'shop-tls' }], ['www.example.com']), ingress([{ hosts: ['a.example.com'], secretName: 'broken' }, { hosts: ['b.example.com'], secretName: 'gone' }])];
    logging.update(ings, (ns, n) => secrets[`${ns}/${n}`]);
    expect(logging.select('www.example.com')).not.toBe(logging.select('zzz.example.com'));
    expect(logging.select('a.example.com')).toBe(logging.select('zzz.example.com'));
    expect(logging.select('b.example.com')).toBe(logging.select('zzz.example.com'));
    expect(reasons).toEqual(['shop/broken', 'shop/gone']);
  });
});
