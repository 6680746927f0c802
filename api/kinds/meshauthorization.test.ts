import { describe, expect, it } from '@jest/globals';
import type { MeshAuthorization } from '../types/mesh.js';
import { meshAuthorizationStrategy } from './meshauthorization.js';
import { create, errorAt } from './testing/helpers.js';

function ma(spec: unknown): MeshAuthorization {
  return { apiVersion: 'mesh.cairn.dev/v1alpha1', kind: 'MeshAuthorization', metadata: { name: 'api', namespace: 'default' }, spec: spec as MeshAuthorization['spec'] };
}

const dest = { destination: { service: 'api' }, action: 'Allow', sources: [{ serviceAccount: 'frontend' }] };

describe('MeshAuthorization', () => {
  it.each([
    ['a destination policy with rules', {
      destination: { service: 'api' }, action: 'Allow',
      sources: [{ serviceAccount: 'frontend' }, { namespace: 'batch' }, { serviceAccount: 'cron', namespace: 'ops' }],
      rules: [{ paths: ['/api/*', '/healthz'], methods: ['GET'] }, { methods: ['POST'] }],
    }],
    ['a deny without rules', { destination: { service: 'api' }, action: 'Deny', sources: [{ namespace: 'untrusted' }] }],
    ['a namespace default', { default: 'Deny' }],
  ])('accepts %s', (_name, spec) => {
    expect(create(meshAuthorizationStrategy, ma(spec))).toEqual([]);
  });

  const cases: [string, unknown, string, RegExp][] = [
    ['neither destination nor default', { action: 'Allow', sources: [{ namespace: 'a' }] }, 'spec', /set exactly one of `destination`, `default`/],
    ['both destination and default', { ...dest, default: 'Deny' }, 'spec', /set exactly one of `destination`, `default`, not 2/],
    ['a default with sources', { default: 'Allow', sources: [{ namespace: 'a' }] }, 'spec.sources', /Forbidden: a namespace default/],
    ['a default with action', { default: 'Allow', action: 'Deny' }, 'spec.action', /move this into a policy with `destination`/],
    ['an unknown default', { default: 'Audit' }, 'spec.default', /supported values: "Allow", "Deny"/],
    ['a destination without service', { ...dest, destination: {} }, 'spec.destination.service', /Required value: name the Service/],
    ['no action', { destination: { service: 'api' }, sources: [{ namespace: 'a' }] }, 'spec.action', /choose Allow or Deny/],
    ['an unknown action', { ...dest, action: 'Permit' }, 'spec.action', /supported values: "Allow", "Deny"/],
    ['no sources', { destination: { service: 'api' }, action: 'Allow' }, 'spec.sources', /list at least one source/],
    ['empty sources', { ...dest, sources: [] }, 'spec.sources', /list at least one source/],
    ['an empty source', { ...dest, sources: [{}] }, 'spec.sources[0]', /set `serviceAccount`, `namespace` or both/],
    ['a bad service account', { ...dest, sources: [{ serviceAccount: 'Front_End' }] }, 'spec.sources[0].serviceAccount', /lowercase/],
    ['a bad namespace', { ...dest, sources: [{ namespace: 'a.b' }] }, 'spec.sources[0].namespace', /Invalid value: "a.b"/],
    ['a relative path', { ...dest, rules: [{ paths: ['api/*'] }] }, 'spec.rules[0].paths[0]', /starting with "\/"/],
    ['a * in the middle of a path', { ...dest, rules: [{ paths: ['/api/*/items'] }] }, 'spec.rules[0].paths[0]', /only allowed as the last character/],
    ['an unknown method', { ...dest, rules: [{ methods: ['get'] }] }, 'spec.rules[0].methods[0]', /supported values: "GET"/],
    ['an unknown rule field', { ...dest, rules: [{ hosts: ['a'] }] }, 'spec.rules[0].hosts', /unknown field/],
  ];
  it.each(cases)('rejects %s', (_name, spec, path, message) => {
    expect(errorAt(create(meshAuthorizationStrategy, ma(spec)), path)?.message).toMatch(message);
  });
});
