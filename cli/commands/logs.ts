/**
 * `cairn logs POD` and `cairn logs -l SELECTOR`: a container's log through the registry's pods/log (which
 * streams from the pod's node agent). With a selector every container of every matching pod is read at once,
 * each line prefixed `[pod/container] `; like kubectl, a selector shows the last 10 lines unless --tail says.
 */
import type { IncomingMessage } from 'node:http';
import type { Pod } from '../../api/types/core.js';
import type { ApiClient } from '../../control/client/client.js';
import { responseLines } from '../../control/client/line-stream.js';
import { errorFromResponse } from '../../control/client/transport.js';

export interface LogsOptions {
  namespace: string;
  container?: string;
  selector?: string;
  follow: boolean;
  tail?: number;
  /** A duration like 10s, 5m or 1h30m. */
  since?: string;
  timestamps: boolean;
  previous: boolean;
}

const SELECTOR_DEFAULT_TAIL = 10;
const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1 };

/** Go-style durations (`90s`, `5m`, `1h30m`) in whole seconds, at least 1. */
export function parseDuration(text: string): number {
  if (!/^(\d+(h|m|s))+$/.test(text)) throw new Error(`invalid duration ${JSON.stringify(text)}: use e.g. 10s, 5m or 1h30m`);
  let seconds = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(h|m|s)/g)) seconds += Number(n) * UNIT_SECONDS[unit!]!;
  return Math.max(1, seconds);
}

function logQuery(opts: LogsOptions, container: string | undefined, tail: number | undefined): string {
  const q = new URLSearchParams();
  if (container) q.set('container', container);
  if (opts.follow) q.set('follow', 'true');
  if (tail !== undefined) q.set('tailLines', String(tail));
  if (opts.since) q.set('sinceSeconds', String(parseDuration(opts.since)));
  if (opts.timestamps) q.set('timestamps', 'true');
  if (opts.previous) q.set('previous', 'true');
  return q.toString();
}

/** The log response, or the server's Status as an ApiError. */
async function openLog(client: ApiClient, namespace: string, pod: string, query: string): Promise<IncomingMessage> {
  const res = await client.transport.open('GET', `${client.resource('pods').path(namespace, pod, 'log')}?${query}`, undefined, { Accept: '*/*' });
  if ((res.statusCode ?? 0) < 300) return res;
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  throw errorFromResponse({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
}

export async function logsCommand(client: ApiClient, pod: string | undefined, opts: LogsOptions, out: (text: string) => void, warn: (text: string) => void): Promise<void> {
  if (opts.since) parseDuration(opts.since); // a bad flag fails before any request
  if (pod && opts.selector) throw new Error('only one of a pod name or a selector (-l) may be given');
  if (pod) {
    const res = await openLog(client, opts.namespace, pod, logQuery(opts, opts.container, opts.tail));
    res.setEncoding('utf8'); // a character split across chunks is decoded whole
    for await (const chunk of res) out(chunk as string);
    return;
  }
  if (!opts.selector) throw new Error('a pod name or a selector (-l) is required');
  const pods = (await client.resource<Pod>('pods').listAll({ namespace: opts.namespace, labelSelector: opts.selector })).items;
  if (!pods.length) {
    warn(`No resources found in ${opts.namespace} namespace.\n`);
    return;
  }
  const streams = pods.flatMap((p) => (opts.container ? [opts.container] : p.spec.containers.map((c) => c.name)).map((c) => ({ pod: p.metadata.name!, container: c })));
  let failed: unknown;
  await Promise.all(streams.map(async ({ pod: name, container }) => {
    try {
      const res = await openLog(client, opts.namespace, name, logQuery(opts, container, opts.tail ?? SELECTOR_DEFAULT_TAIL));
      for await (const line of responseLines(res)) out(`[${name}/${container}] ${line}\n`);
    } catch (err) {
      // One pod's failure (not scheduled yet, gone) does not stop the others; the command still fails at the end.
      failed ??= err;
      warn(`[${name}/${container}] error: ${(err as Error).message}\n`);
    }
  }));
  if (failed) throw failed;
}
