import { describe, expect, it } from '@jest/globals';
import { defaultPullPolicy, formatReference, parseReference, registryApiHost } from './reference.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('parseReference', () => {
  it.each([
    ['busybox', 'docker.io', 'library/busybox', 'latest', undefined],
    ['busybox:1.36', 'docker.io', 'library/busybox', '1.36', undefined],
    ['team/app', 'docker.io', 'team/app', 'latest', undefined],
    ['index.docker.io/library/nginx:1', 'docker.io', 'library/nginx', '1', undefined],
    ['localhost/app', 'localhost', 'app', 'latest', undefined],
    ['127.0.0.1:5000/cairn/busybox:1', '127.0.0.1:5000', 'cairn/busybox', '1', undefined],
    ['registry.example.com/a/b/c:v1.2-rc_3', 'registry.example.com', 'a/b/c', 'v1.2-rc_3', undefined],
    [`127.0.0.1:5000/app@${DIGEST}`, '127.0.0.1:5000', 'app', undefined, DIGEST],
    [`app:1@${DIGEST}`, 'docker.io', 'library/app', '1', DIGEST],
    ['[::1]:5000/app:2', '[::1]:5000', 'app', '2', undefined],
  ])('%s', (image, registry, repository, tag, digest) => {
    expect(parseReference(image)).toEqual({ registry, repository, tag, digest });
  });

  it.each([
    ['', 'empty reference'],
    ['Busybox', 'must be lowercase'],
    ['busybox:', 'tag ""'],
    ['busybox:-bad', 'tag "-bad"'],
    ['busybox@sha256:abc', 'digest "sha256:abc"'],
    ['busybox@md5:' + 'a'.repeat(32), 'is not sha256'],
    ['a//b', 'path component ""'],
    ['bad_host:5000x/app', 'registry host "bad_host:5000x"'],
    [' busybox', 'whitespace'],
    ['app-/x', 'path component "app-"'],
  ])('refuses %j', (image, reason) => {
    expect(() => parseReference(image)).toThrow(reason);
    expect(() => parseReference(image)).toThrow(`invalid image reference "${image}"`);
  });

  it('formats the canonical form back', () => {
    expect(formatReference(parseReference('busybox'))).toBe('docker.io/library/busybox:latest');
    expect(formatReference(parseReference(`h:1/a:t@${DIGEST}`))).toBe(`h:1/a:t@${DIGEST}`);
  });
});

describe('defaults', () => {
  it('pulls :latest and untagged images Always, others IfNotPresent', () => {
    expect(defaultPullPolicy('busybox')).toBe('Always');
    expect(defaultPullPolicy('busybox:latest')).toBe('Always');
    expect(defaultPullPolicy('busybox:1')).toBe('IfNotPresent');
    expect(defaultPullPolicy(`busybox@${DIGEST}`)).toBe('IfNotPresent');
  });

  it('talks to Docker Hub on its API host', () => {
    expect(registryApiHost('docker.io')).toBe('registry-1.docker.io');
    expect(registryApiHost('127.0.0.1:5000')).toBe('127.0.0.1:5000');
  });
});
