import { describe, it, expect } from '@jest/globals';
import type { ConfigMap, Secret } from '../types/core.js';
import { configMapStrategy } from './configmap.js';
import { secretStrategy } from './secret.js';
import { clone, create, errorAt, paths, update } from './testing/helpers.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function cm(fields: Partial<ConfigMap> = {}): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: 'default' }, ...fields };
}
function secret(fields: Partial<Secret> = {}): Secret {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app-secret', namespace: 'default' }, ...fields };
}

describe('ConfigMap', () => {
  it('accepts text and binary data with file-like keys', () => {
    const c = cm({ data: { 'app.properties': 'a=1\nb=2', LOG_LEVEL: 'debug', '.hidden': 'x' }, binaryData: { 'logo.png': b64('\x89PNG') } });
    expect(create(configMapStrategy, c)).toEqual([]);
  });

  it.each([
    ['a key with a slash', { data: { 'conf/app': 'x' } }, 'data[conf/app]', /valid config key/],
    ['the key ".."', { data: { '..': 'x' } }, 'data[..]', /must not be '\.\.'/],
    ['a key starting with ".."', { data: { '..data': 'x' } }, 'data[..data]', /must not start with '\.\.'/],
    ['a key over 253 characters', { data: { ['k'.repeat(254)]: 'x' } }, `data[${'k'.repeat(254)}]`, /no more than 253 characters/],
    ['a key in both data and binaryData', { data: { a: 'x' }, binaryData: { a: b64('x') } }, 'binaryData[a]', /duplicate of key "a"/],
    ['binaryData that is not base64', { binaryData: { a: 'not base64!' } }, 'binaryData[a]', /base64/],
    ['a non-string value', { data: { port: 8080 as unknown as string } }, 'data[port]', /must be a string/],
    ['more than 1 MiB in total', { data: { a: 'x'.repeat(600 * 1024), b: 'y'.repeat(600 * 1024) } }, 'data', /at most 1048576 bytes/],
  ] as [string, Partial<ConfigMap>, string, RegExp][])('rejects %s', (_name, fields, path, message) => {
    const errs = create(configMapStrategy, cm(fields));
    expect(paths(errs)).toContain(path);
    expect(errorAt(errs, path)!.message).toMatch(message);
  });

  it('rejects unknown top-level fields', () => {
    expect(paths(create(configMapStrategy, cm({ spec: {} })))).toContain('spec');
  });

  it('allows changing data unless immutable is set, then freezes data and the flag', () => {
    const old = cm({ data: { a: '1' } });
    const changed = cm({ data: { a: '2' } });
    expect(update(configMapStrategy, changed, old)).toEqual([]);

    const frozen = cm({ data: { a: '1' }, immutable: true });
    const edit = cm({ data: { a: '2' }, immutable: true });
    expect(errorAt(update(configMapStrategy, edit, frozen), 'data')?.message).toMatch(/field is immutable when `immutable` is set/);
    const thaw = cm({ data: { a: '1' }, immutable: false });
    expect(paths(update(configMapStrategy, thaw, frozen))).toContain('immutable');
    const relabel = clone(frozen);
    relabel.metadata.labels = { team: 'web' };
    expect(update(configMapStrategy, relabel, frozen)).toEqual([]);
  });
});

describe('Secret', () => {
  it('merges stringData into base64 data and defaults the type', () => {
    const s = secret({ data: { username: b64('old'), token: b64('t') }, stringData: { username: 'admin', 'config.yaml': 'a: 1\n' } });
    expect(create(secretStrategy, s)).toEqual([]);
    expect(s.stringData).toBeUndefined();
    expect(s.type).toBe('Opaque');
    expect(s.data).toEqual({ username: b64('admin'), token: b64('t'), 'config.yaml': b64('a: 1\n') });
  });

  it('merges stringData on update too (applyDefaults)', () => {
    const old = secret({ data: { a: b64('1') } });
    create(secretStrategy, old);
    const s = clone(old);
    s.stringData = { a: '2' };
    expect(update(secretStrategy, s, old)).toEqual([]);
    expect(s.data).toEqual({ a: b64('2') });
  });

  it('rejects data that is not base64 without echoing the value', () => {
    const errs = create(secretStrategy, secret({ data: { password: 'hunter2!' } }));
    const err = errorAt(errs, 'data[password]');
    expect(err?.message).toMatch(/base64/);
    expect(err?.message).not.toContain('hunter2');
  });

  it('reports stringData entries that are not strings', () => {
    const errs = create(secretStrategy, secret({ stringData: { port: 5432 as unknown as string, user: 'u' } }));
    expect(paths(errs)).toEqual(['stringData[port]']);
  });

  it('rejects bad keys from stringData under data', () => {
    expect(paths(create(secretStrategy, secret({ stringData: { 'a b': 'x' } })))).toContain('data[a b]');
  });

  it('checks the keys a well-known type needs', () => {
    expect(create(secretStrategy, secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c'), 'tls.key': b64('k') } }))).toEqual([]);
    expect(paths(create(secretStrategy, secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c') } })))).toEqual(['data[tls.key]']);
    const dockerBad = create(secretStrategy, secret({ type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '{not json' } }));
    expect(paths(dockerBad)).toEqual(['data[.dockerconfigjson]']);
    expect(create(secretStrategy, secret({ type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '{"auths":{}}' } }))).toEqual([]);
    expect(paths(create(secretStrategy, secret({ type: 'kubernetes.io/basic-auth', data: {} })))).toEqual(['data[username]']);
  });

  it('keeps the type immutable and honours immutable: true', () => {
    const old = secret({ data: { a: b64('1') }, type: 'Opaque', immutable: true });
    const retyped = secret({ data: { a: b64('1') }, type: 'kubernetes.io/basic-auth', immutable: true });
    expect(errorAt(update(secretStrategy, retyped, old), 'type')?.message).toMatch(/field is immutable/);
    const edited = secret({ stringData: { a: '2' }, type: 'Opaque', immutable: true });
    expect(paths(update(secretStrategy, edited, old))).toContain('data');
  });

  it('selects on type', () => {
    const s = secret({ type: 'kubernetes.io/tls' });
    expect(secretStrategy.selectableFields(s)).toEqual({ 'metadata.name': 'app-secret', 'metadata.namespace': 'default', type: 'kubernetes.io/tls' });
  });
});
