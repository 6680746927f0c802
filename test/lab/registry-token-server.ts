import { createPrivateKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ensurePki } from '../../control/pki/certificates.js';
import type { RegistryCredentials } from '../../agent/images/registry-auth.js';
import { TEST_PREFIX } from '../harness/cluster.js';
import type { TokenAuthConfig } from './image-registry.js';

/**
 * A minimal Docker token server (the `realm` of `WWW-Authenticate: Bearer`) for a lab registry: it checks
 * Basic credentials and answers with a JWT the registry trusts (ES256, its certificate in the `x5c`
 * header, that certificate in the registry's rootcertbundle). The right user gets the scopes it asks for;
 * an anonymous caller gets a token with no access, as a real token server does for private repositories.
 */

export interface TokenServer {
  /** The registry-side settings (`auth.token`) that make a registry trust this server. */
  registryAuth: TokenAuthConfig;
  /** Scopes requested so far, in order (e.g. `repository:cairn/busybox:pull`), with the user or '' for anonymous. */
  requests: { user: string; scope: string }[];
  stop(): Promise<void>;
}

const SERVICE = 'cairn-lab-registry';
const ISSUER = 'cairn-lab-token-server';

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function jwt(key: KeyObject, certDer: Buffer, claims: object): string {
  const head = base64url(JSON.stringify({ typ: 'JWT', alg: 'ES256', x5c: [certDer.toString('base64')] }));
  const body = base64url(JSON.stringify(claims));
  const signature = sign('sha256', Buffer.from(`${head}.${body}`), { key, dsaEncoding: 'ieee-p1363' });
  return `${head}.${body}.${base64url(signature)}`;
}

function accessFor(scope: string): { type: string; name: string; actions: string[] } | undefined {
  const match = /^(repository):([^:]+):(.+)$/.exec(scope);
  return match ? { type: match[1], name: match[2], actions: match[3].split(',') } : undefined;
}

function basicUser(header: string | undefined, user: RegistryCredentials): string | undefined | false {
  if (!header) return undefined;
  const [scheme, value] = header.split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !value) return false;
  const [name, ...rest] = Buffer.from(value, 'base64').toString('utf8').split(':');
  return name === user.username && rest.join(':') === user.password ? name : false;
}

export async function startTokenServer(user: RegistryCredentials): Promise<TokenServer> {
  const dir = await mkdtemp(join(tmpdir(), `${TEST_PREFIX}token-server-`));
  const pki = await ensurePki(join(dir, 'pki'));
  const key = createPrivateKey(pki.caKey);
  const certDer = Buffer.from(pki.caCert.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const rootCertBundle = join(dir, 'token-signer.pem');
  await writeFile(rootCertBundle, pki.caCert);
  const requests: TokenServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token');
    const authenticated = basicUser(req.headers.authorization, user);
    if (authenticated === false) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] }));
      return;
    }
    const scopes = url.searchParams.getAll('scope');
    for (const scope of scopes) requests.push({ user: authenticated ?? '', scope });
    const now = Math.floor(Date.now() / 1000);
    const access = authenticated ? scopes.map(accessFor).filter((a) => a !== undefined) : [];
    const token = jwt(key, certDer, {
      iss: ISSUER, sub: authenticated ?? '', aud: url.searchParams.get('service') ?? SERVICE,
      exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access,
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    registryAuth: { realm: `http://127.0.0.1:${port}/token`, service: SERVICE, issuer: ISSUER, rootCertBundle },
    requests,
    async stop(): Promise<void> {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
