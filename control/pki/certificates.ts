import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;
const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

/** PEM material the registry serves with and clients trust. */
export interface ClusterPki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  /** Bearer token of the cluster administrator, written into the kubeconfig. */
  adminToken: string;
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

async function newKeys(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

function serial(): string {
  return randomBytes(8).toString('hex').replace(/^[89a-f]/, '1');
}

async function privateKeyPem(keys: CryptoKeyPair): Promise<string> {
  return pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
}

/** What a TLS server certificate carries: not a CA, server auth, valid for these DNS names and IPs. */
function servingExtensions(names: string[], ips: string[]): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
    new x509.SubjectAlternativeNameExtension([
      ...names.map((value) => ({ type: 'dns' as const, value })),
      ...ips.map((value) => ({ type: 'ip' as const, value })),
    ]),
  ];
}

async function createCa(): Promise<{ cert: string; key: string }> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=cairn-ca',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + TEN_YEARS_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys) };
}

async function importCa(caCert: string, caKey: string): Promise<{ cert: x509.X509Certificate; key: CryptoKey }> {
  const der = Buffer.from(caKey.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const key = await webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, false, ['sign']);
  return { cert: new x509.X509Certificate(caCert), key: key as CryptoKey };
}

/** A serving certificate for the registry, valid for loopback, this host and any extra names. */
async function createServerCert(caCert: string, caKey: string, extraNames: string[]): Promise<{ cert: string; key: string }> {
  const ca = await importCa(caCert, caKey);
  const keys = await newKeys();
  const names = new Set(['localhost', hostname(), 'cairn-registry', ...extraNames]);
  const ips = ['127.0.0.1', '::1'];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=cairn-registry',
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + ONE_YEAR_MS),
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: ALGORITHM,
    extensions: servingExtensions([...names], ips),
  });
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys) };
}

/**
 * A self-signed serving certificate (no CA), as the kubelet makes for itself when given none: clients either
 * pin it or, like the registry talking to agents today, do not verify it.
 */
export async function createSelfSignedServingCert(commonName: string, names: string[], ips: string[]): Promise<{ cert: string; key: string }> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + ONE_YEAR_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: servingExtensions(names, ips),
  });
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys) };
}

/**
 * Loads the cluster PKI from `dir`, generating what is missing on first start: a CA, a serving
 * certificate signed by it, and an admin token. Files are private to root (mode 0600).
 */
export async function ensurePki(dir: string, extraNames: string[] = []): Promise<ClusterPki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = (f: string): string => join(dir, f);
  const write = (f: string, data: string): Promise<void> => writeFile(path(f), data, { mode: 0o600 });
  if (!existsSync(path('ca.crt')) || !existsSync(path('ca.key'))) {
    const ca = await createCa();
    await write('ca.key', ca.key);
    await write('ca.crt', ca.cert);
  }
  const caCert = await readFile(path('ca.crt'), 'utf8');
  const caKey = await readFile(path('ca.key'), 'utf8');
  if (!existsSync(path('server.crt')) || !existsSync(path('server.key'))) {
    const server = await createServerCert(caCert, caKey, extraNames);
    await write('server.key', server.key);
    await write('server.crt', server.cert);
  }
  if (!existsSync(path('admin.token'))) await write('admin.token', randomBytes(32).toString('base64url') + '\n');
  return {
    caCert,
    caKey,
    serverCert: await readFile(path('server.crt'), 'utf8'),
    serverKey: await readFile(path('server.key'), 'utf8'),
    adminToken: (await readFile(path('admin.token'), 'utf8')).trim(),
  };
}
