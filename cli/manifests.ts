import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isObject, type ApiObject } from '../api/meta.js';

/** One object from a manifest, with where it came from for error messages. */
export interface ManifestObject {
  object: ApiObject;
  source: string;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads `-f` targets: a file, a folder (its .yaml/.yml/.json files, sorted) or `-` for stdin; multi-document YAML and `kind: List` are expanded. */
export async function loadManifests(paths: string[]): Promise<ManifestObject[]> {
  const out: ManifestObject[] = [];
  for (const path of paths) {
    if (path === '-') {
      out.push(...parseManifest(await readStdin(), 'stdin'));
      continue;
    }
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new Error(`the path "${path}" does not exist`);
    }
    const files = info.isDirectory()
      ? (await readdir(path)).filter((f) => MANIFEST_EXTENSIONS.has(extname(f))).sort().map((f) => join(path, f))
      : [path];
    for (const file of files) out.push(...parseManifest(await readFile(file, 'utf8'), file));
  }
  return out;
}

export function parseManifest(text: string, source: string): ManifestObject[] {
  const out: ManifestObject[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    const where = `${source} (document ${i + 1})`;
    if (doc.errors.length) throw new Error(`${where}: invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    if (!isObject(value)) throw new Error(`${where}: a manifest document must be an object with apiVersion, kind and metadata`);
    const items = value.kind === 'List' || (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items))
      ? (value.items as unknown[])
      : [value];
    items.forEach((item, j) => {
      const at = items.length > 1 || item !== value ? `${where} item ${j + 1}` : where;
      if (!isObject(item)) throw new Error(`${at}: not an object`);
      if (typeof item.apiVersion !== 'string' || !item.apiVersion) throw new Error(`${at}: apiVersion is required (e.g. "v1" or "apps/v1")`);
      if (typeof item.kind !== 'string' || !item.kind) throw new Error(`${at}: kind is required (e.g. "Deployment")`);
      if (!isObject(item.metadata) || typeof item.metadata.name !== 'string' && typeof item.metadata.generateName !== 'string') {
        throw new Error(`${at}: metadata.name is required`);
      }
      out.push({ object: item as ApiObject, source: at });
    });
  });
  return out;
}
