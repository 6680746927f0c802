/**
 * Network namespaces for tests: every name is `cairn-test-<pid>-<suffix>`, so a crashed run's namespaces are
 * recognised (its pid is gone) and removed by the next run. Deleting a namespace removes every interface,
 * bridge, route and nftables table inside it, so a test that keeps its kernel objects in its own namespaces
 * never leaks them into the machine's.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { isStaleTestName } from '../harness/reap.js';

const exec = promisify(execFile);

/** A namespace name for this run; `suffix` keeps the names of one test apart from another's. */
export function testNetnsName(suffix: string): string {
  return `cairn-test-${process.pid}-${suffix}`;
}

async function netnsNames(): Promise<string[]> {
  const { stdout } = await exec('ip', ['netns', 'list']);
  return stdout.split('\n').map((line) => line.split(' ')[0]!).filter(Boolean);
}

/** Creates the namespace with loopback up; an existing one of the same name is replaced. */
export async function createNetns(name: string): Promise<void> {
  if ((await netnsNames()).includes(name)) await deleteNetns(name);
  await exec('ip', ['netns', 'add', name]);
  await exec('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
}

/** Kills what still runs in the namespace (a test's servers would keep it, its veths and tables alive), then deletes it. */
export async function deleteNetns(name: string): Promise<void> {
  const { stdout } = await exec('ip', ['netns', 'pids', name]).catch(() => ({ stdout: '' }));
  for (const pid of stdout.split('\n').filter(Boolean)) {
    try { process.kill(Number(pid), 'SIGKILL'); } catch { /* already gone */ }
  }
  await exec('ip', ['netns', 'delete', name]).catch(() => undefined);
}

/** Runs a command inside the namespace; rejects with its stderr on a non-zero exit. */
export async function inNetns(name: string, command: string, args: string[], input?: string): Promise<string> {
  const child = exec('ip', ['netns', 'exec', name, command, ...args], { maxBuffer: 64 * 1024 * 1024 });
  if (input !== undefined) { child.child.stdin!.end(input); }
  try {
    return (await child).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`in netns ${name}: ${command} ${args.join(' ')}: ${(e.stderr ?? e.message).trim()}`);
  }
}

/** Removes namespaces left by test runs that are no longer alive. */
export async function reapStaleNetns(): Promise<void> {
  for (const name of (await netnsNames()).filter(isStaleTestName)) await deleteNetns(name);
}
