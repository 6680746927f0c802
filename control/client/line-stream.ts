import type { IncomingMessage } from 'node:http';
import { createInterface, type Interface } from 'node:readline';

/**
 * The lines of a streaming response (a watch). readline does not end its iterator when the input is
 * destroyed, so the reader is closed together with the socket: iteration always ends.
 */
export function responseLines(res: IncomingMessage): Interface {
  const lines = createInterface({ input: res, crlfDelay: Infinity });
  res.once('close', () => lines.close());
  return lines;
}
