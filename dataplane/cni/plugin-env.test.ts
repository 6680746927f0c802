import { describe, expect, it } from '@jest/globals';
import { parseCniArgs, parseEnv } from './plugin-env.js';
import { CniError, ErrorCode } from './spec.js';

const add = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c-1', CNI_NETNS: '/run/netns/p', CNI_IFNAME: 'eth0' };

function envError(env: NodeJS.ProcessEnv): CniError {
  try {
    parseEnv(env);
  } catch (err) {
    return err as CniError;
  }
  throw new Error('expected a rejection');
}

describe('parseEnv', () => {
  it('reads an ADD invocation', () => {
    expect(parseEnv({ ...add, CNI_ARGS: 'K8S_POD_NAME=web;IgnoreUnknown=1' })).toEqual({
      command: 'ADD', containerId: 'c-1', netns: '/run/netns/p', ifName: 'eth0', args: { K8S_POD_NAME: 'web', IgnoreUnknown: '1' },
    });
  });

  it('lets DEL go without a namespace, and VERSION and GC without attachment variables', () => {
    expect(parseEnv({ ...add, CNI_COMMAND: 'DEL', CNI_NETNS: '' })).toMatchObject({ command: 'DEL', netns: undefined });
    expect(parseEnv({ CNI_COMMAND: 'VERSION' })).toEqual({ command: 'VERSION' });
    expect(parseEnv({ CNI_COMMAND: 'GC', CNI_PATH: '/opt/cni/bin' })).toEqual({ command: 'GC' });
  });

  it.each([
    [{ ...add, CNI_COMMAND: undefined }, 'CNI_COMMAND'],
    [{ ...add, CNI_COMMAND: 'ATTACH' }, 'CNI_COMMAND'],
    [{ ...add, CNI_CONTAINERID: undefined }, 'CNI_CONTAINERID'],
    [{ ...add, CNI_CONTAINERID: '_bad id' }, 'CNI_CONTAINERID'],
    [{ ...add, CNI_NETNS: undefined }, 'CNI_NETNS'],
    [{ ...add, CNI_COMMAND: 'CHECK', CNI_NETNS: undefined }, 'CNI_NETNS'],
    [{ ...add, CNI_IFNAME: 'eth0:1' }, 'CNI_IFNAME'],
    [{ ...add, CNI_IFNAME: 'much-too-long-name' }, 'CNI_IFNAME'],
    [{ ...add, CNI_ARGS: 'novalue' }, 'CNI_ARGS'],
  ])('rejects %j with code 4 naming the variable', (env, name) => {
    const err = envError(env);
    expect(err.code).toBe(ErrorCode.InvalidEnvironment);
    expect(err.msg).toContain(name);
  });

  it('parses CNI_ARGS values holding "="', () => {
    expect(parseCniArgs('A=b=c;;D=')).toEqual({ A: 'b=c', D: '' });
  });
});
