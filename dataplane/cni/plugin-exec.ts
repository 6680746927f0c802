/**
 * Executing one plugin binary the way libcni does: found by its `type` in the CNI_PATH directories, config
 * on stdin, CNI_* on top of this process's environment, optionally inside a named host namespace.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { CniError } from './spec.js';

export interface PluginCall {
  type: string;
  binDirs: readonly string[];
  /** CNI_* variables (CNI_PATH is added). */
  env: Record<string, string>;
  config: object;
  /** Named namespace under /run/netns to run in; undefined = this process's namespace. */
  netns?: string;
  timeoutMs: number;
}

/** Every CNI variable, so stale ones inherited from this process never reach a plugin. */
const CNI_VARS = ['CNI_COMMAND', 'CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME', 'CNI_ARGS', 'CNI_PATH'];

export async function findPlugin(type: string, binDirs: readonly string[]): Promise<string> {
  for (const dir of binDirs) {
    const path = join(dir, type);
    if (await access(path, constants.X_OK).then(() => true, () => false)) return path;
  }
  throw new Error(`failed to find plugin "${type}" in path [${binDirs.join(' ')}]`);
}

/**
 * Runs the plugin; resolves with its parsed stdout (undefined when empty). A plugin's error object becomes a
 * {@link CniError} with its code; a crash, timeout or unparsable output becomes a plain Error with stderr.
 */
export async function execPlugin(call: PluginCall): Promise<unknown> {
  const path = await findPlugin(call.type, call.binDirs);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CNI_VARS) delete env[name];
  Object.assign(env, call.env, { CNI_PATH: call.binDirs.join(':') });
  const [file, args] = call.netns ? ['ip', ['netns', 'exec', call.netns, path]] : [path, []];
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: call.timeoutMs, killSignal: 'SIGKILL' });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (exitCode, signal) => resolve({ code: signal ? null : exitCode, stdout: out, stderr: err.trim() }));
    child.stdin.on('error', () => undefined); // a plugin may exit before reading; its exit status tells
    child.stdin.end(JSON.stringify(call.config));
  });
  const what = `plugin ${call.type} ${call.env['CNI_COMMAND']}`;
  let parsed: unknown;
  try {
    parsed = stdout.trim() ? JSON.parse(stdout) : undefined;
  } catch {
    throw new Error(`${what}: unparsable output ${JSON.stringify(stdout.slice(0, 200))}${stderr ? `; stderr: ${stderr}` : ''}`);
  }
  if (code === 0) return parsed;
  const e = parsed as { code?: unknown; msg?: unknown; details?: unknown } | undefined;
  if (typeof e?.code === 'number' && typeof e.msg === 'string') {
    throw new CniError(e.code, e.msg, typeof e.details === 'string' ? e.details : undefined);
  }
  throw new Error(`${what} failed (${code === null ? `killed after ${call.timeoutMs} ms or by a signal` : `exit code ${code}`})${stderr ? `: ${stderr}` : ''}`);
}
