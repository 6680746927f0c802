import { chmod, mkdir } from 'node:fs/promises';

/**
 * A directory only root may enter (0700, also when it already existed with a looser mode): the agent's state
 * holds container env with Secret values, volume files and pod config that no other local user may read.
 */
export async function privateDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chmod(path, 0o700);
}
