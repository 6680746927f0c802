import { badRequest, gone } from '../../../api/errors.js';

/** Where a paginated list stopped: the revision it reads at and the next key (relative to the list's prefix). */
export interface ContinueToken {
  revision: number;
  startKey: string;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.revision, start: token.startKey })).toString('base64url');
}

export function decodeContinue(text: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { v?: string; rv?: number; start?: string };
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string' || parsed.start.includes('..')) {
      throw new Error('malformed');
    }
    return { revision: parsed.rv, startKey: parsed.start };
  } catch {
    throw badRequest('continue key is not valid: pass the exact metadata.continue value of the previous page');
  }
}

export function expiredContinue(): Error {
  return gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
}
