/** Running the host tools the plugin drives (`ip`, `nsenter`); injected so plugin logic is testable without a kernel. */
import { execFile } from 'node:child_process';

export class CommandError extends Error {
  constructor(readonly command: string, readonly stderr: string, readonly exitCode: number | undefined) {
    super(`${command}: ${stderr || `exit code ${exitCode}`}`);
    this.name = 'CommandError';
  }
}

export interface CommandRunner {
  /** Resolves with stdout; rejects with a {@link CommandError} carrying stderr on a non-zero exit. */
  run(file: string, args: string[], input?: string): Promise<string>;
}

export const execRunner: CommandRunner = {
  run(file, args, input) {
    return new Promise((resolve, reject) => {
      const child = execFile(file, args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const code = typeof err.code === 'number' ? err.code : undefined;
        reject(new CommandError(`${file} ${args.join(' ')}`, stderr.trim() || err.message, code));
      });
      // A tool that exits without reading its stdin must not crash us with EPIPE; its exit status tells.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input ?? '');
    });
  },
};
