import { homedir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../control/client/client.js';

export const DEFAULT_DATA_DIR = join(homedir(), '.cairn');

export function defaultKubeconfig(): string {
  return process.env.KUBECONFIG?.split(':')[0] || join(DEFAULT_DATA_DIR, 'kubeconfig');
}

/** Global flags every user verb takes. */
export interface GlobalOptions {
  kubeconfig?: string;
  namespace?: string;
  allNamespaces?: boolean;
}

export async function clientFor(opts: GlobalOptions): Promise<{ client: ApiClient; namespace: string }> {
  const client = await ApiClient.fromKubeconfig(opts.kubeconfig ?? defaultKubeconfig());
  return { client, namespace: opts.namespace ?? client.config.namespace ?? 'default' };
}
