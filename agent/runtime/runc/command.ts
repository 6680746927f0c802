/** Runs a host tool (runc, ip) to completion, capturing its output; the one place the runtime spawns tools. */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Resolves with the exit code whatever it is (signal deaths as 128 + n); rejects only if the tool cannot start. */
export function runCommand(file: string, args: string[]): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({
      code: code ?? 128 + (signal ? constants.signals[signal] : 0),
      stdout: Buffer.concat(out).toString(),
      stderr: Buffer.concat(err).toString(),
    }));
  });
}

/** Like runCommand but a non-zero exit is an error carrying the tool's stderr. */
export async function runChecked(file: string, args: string[]): Promise<string> {
  const result = await runCommand(file, args);
  if (result.code !== 0) throw new Error(`${file} ${args.join(' ')}: exit ${result.code}: ${result.stderr.trim()}`);
  return result.stdout;
}
