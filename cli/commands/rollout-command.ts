/** The `cairn rollout` command tree (kept out of main.ts): each verb connects, runs, and closes its client. */
import type { Command } from 'commander';
import type { ApiClient } from '../../control/client/client.js';
import { clientFor, type GlobalOptions } from '../context.js';
import { deploymentName, parseTimeout, rolloutHistory, rolloutPatch, rolloutStatus, rolloutUndo, type RolloutVerb } from './rollout.js';

const print = (text: string): void => { process.stdout.write(text.endsWith('\n') ? text : text + '\n'); };

async function withClient(cmd: Command, fn: (client: ApiClient, namespace: string) => Promise<void>): Promise<void> {
  const { client, namespace } = await clientFor(cmd.optsWithGlobals<GlobalOptions>());
  try { await fn(client, namespace); } finally { client.close(); }
}

export function addRolloutCommand(program: Command): void {
  const rollout = program.command('rollout').description('manage the rollout of a deployment: status, history, undo, pause, resume, restart');
  rollout.command('status')
    .description('follow a rollout until it finishes (non-zero exit when it exceeds its progress deadline or --timeout)')
    .argument('<deployment>', 'deployment/NAME, or deployment NAME').argument('[name]')
    .option('--timeout <duration>', 'give up after this long (e.g. 5m; 0: never)', '0s')
    .option('--no-watch', 'print the current status once and exit')
    .action(async (ref: string, name: string | undefined, opts: { timeout: string; watch: boolean }, cmd: Command) => {
      await withClient(cmd, (client, namespace) => rolloutStatus(client, deploymentName(ref, name), { namespace, timeoutMs: parseTimeout(opts.timeout), watch: opts.watch }, print));
    });
  rollout.command('history')
    .description('list revisions with their change-cause; --revision shows one revision\'s pod template')
    .argument('<deployment>', 'deployment/NAME, or deployment NAME').argument('[name]')
    .option('--revision <n>', 'show this revision\'s details', (v) => Number(v))
    .action(async (ref: string, name: string | undefined, opts: { revision?: number }, cmd: Command) => {
      await withClient(cmd, (client, namespace) => rolloutHistory(client, deploymentName(ref, name), namespace, opts.revision, print));
    });
  rollout.command('undo')
    .description('roll back to the previous revision, or to --to-revision')
    .argument('<deployment>', 'deployment/NAME, or deployment NAME').argument('[name]')
    .option('--to-revision <n>', 'the revision to roll back to (0: the previous one)', (v) => Number(v), 0)
    .action(async (ref: string, name: string | undefined, opts: { toRevision: number }, cmd: Command) => {
      await withClient(cmd, (client, namespace) => rolloutUndo(client, deploymentName(ref, name), namespace, opts.toRevision, print));
    });
  const verbs: [RolloutVerb, string][] = [
    ['pause', 'stop rolling out template changes (scaling still applies)'],
    ['resume', 'resume a paused deployment'],
    ['restart', 'replace every pod, rolling, by stamping the pod template'],
  ];
  for (const [verb, description] of verbs) {
    rollout.command(verb).description(description)
      .argument('<deployment>', 'deployment/NAME, or deployment NAME').argument('[name]')
      .action(async (ref: string, name: string | undefined, _opts: unknown, cmd: Command) => {
        await withClient(cmd, (client, namespace) => rolloutPatch(client, verb, deploymentName(ref, name), namespace, print));
      });
  }
}
