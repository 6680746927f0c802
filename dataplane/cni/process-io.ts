/** The plugin's real environment and stdio. */
import type { PluginIo } from './skel.js';

export function processIo(): PluginIo {
  return {
    env: process.env,
    async readStdin() {
      if (process.stdin.isTTY) return '';
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    writeStdout: (text) => { process.stdout.write(text); },
  };
}
