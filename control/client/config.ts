import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';

/** Where the API is and how to authenticate to it. */
export interface ClientConfig {
  server: string;
  /** PEM of the CA that signed the server's certificate. */
  ca?: string;
  token?: string;
  /** Default namespace from the kubeconfig context. */
  namespace?: string;
}

interface Kubeconfig {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
  clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }[];
  users?: { name: string; user: { token?: string } }[];
}

/** Reads the current context of a kubeconfig, as kubectl does (the subset Cairn writes: CA data and a bearer token). */
export async function loadKubeconfig(path: string, context?: string): Promise<ClientConfig> {
  let doc: Kubeconfig;
  try {
    doc = parseYaml(await readFile(path, 'utf8')) as Kubeconfig;
  } catch (err) {
    throw new Error(`cannot read kubeconfig ${path}: ${(err as Error).message} (start a cluster with 'cairn up', or pass --kubeconfig)`);
  }
  const ctxName = context ?? doc['current-context'];
  const ctx = doc.contexts?.find((c) => c.name === ctxName)?.context;
  if (!ctx) throw new Error(`kubeconfig ${path} has no context ${JSON.stringify(ctxName)}`);
  const cluster = doc.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  if (!cluster) throw new Error(`kubeconfig ${path} has no cluster ${JSON.stringify(ctx.cluster)}`);
  const user = doc.users?.find((u) => u.name === ctx.user)?.user;
  let ca: string | undefined;
  if (cluster['certificate-authority-data']) ca = Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8');
  else if (cluster['certificate-authority']) ca = await readFile(cluster['certificate-authority'], 'utf8');
  return { server: cluster.server, ca, token: user?.token, namespace: ctx.namespace };
}

/** A kubeconfig for `config`, readable by kubectl and by loadKubeconfig. */
export function renderKubeconfig(config: ClientConfig, name = 'cairn'): string {
  const cluster: Record<string, string> = { server: config.server };
  if (config.ca) cluster['certificate-authority-data'] = Buffer.from(config.ca).toString('base64');
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': name,
    clusters: [{ name, cluster }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin`, ...(config.namespace ? { namespace: config.namespace } : {}) } }],
    users: [{ name: `${name}-admin`, user: config.token ? { token: config.token } : {} }],
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
