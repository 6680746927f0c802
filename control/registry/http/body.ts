import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, Reason, badRequest } from '../../../api/errors.js';

/** The largest request body accepted, as in Kubernetes (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(): ApiError {
  return new ApiError(413, Reason.RequestEntityTooLarge, `the request body is larger than ${MAX_BODY_BYTES} bytes: split it into smaller objects`);
}

/** Decodes a JSON (or YAML, for `application/yaml`) body; malformed input is a 400 naming the problem, never a crash. */
export function decodeBody(raw: Buffer, contentType: string | undefined): unknown {
  const type = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/vnd.kubernetes.protobuf') {
    throw new ApiError(415, Reason.UnsupportedMediaType,
      'protobuf request bodies are not supported: send JSON or YAML (kubectl generator commands such as "kubectl create configmap" send protobuf; use "kubectl create -f manifest.yaml" or "cairn apply -f")');
  }
  const text = raw.toString('utf8');
  if (!text.trim()) throw badRequest('the request body is empty: send a JSON object');
  try {
    if (type === 'application/yaml' || type === 'application/apply-patch+yaml') return parseYaml(text);
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`the request body is not valid ${type.includes('yaml') ? 'YAML' : 'JSON'}: ${(err as Error).message}`);
  }
}
