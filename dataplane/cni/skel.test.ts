import { describe, expect, it } from '@jest/globals';
import type { NetConf } from './net-conf.js';
import type { AttachmentArgs } from './plugin-env.js';
import { type PluginCommands, type PluginIo, runPlugin } from './skel.js';
import { CniError, type CniResult, ErrorCode } from './spec.js';

const conf = JSON.stringify({ cniVersion: '1.0.0', name: 'cairn', type: 'cairn-cni', ipam: { type: 'host-local', subnet: '10.244.1.0/24' } });
const attachmentEnv = { CNI_CONTAINERID: 'c1', CNI_NETNS: '/run/netns/p', CNI_IFNAME: 'eth0' };
const okResult: CniResult = { cniVersion: '1.0.0', ips: [{ address: '10.244.1.2/24' }] };

/** Fake commands recording what the dispatcher asked for. */
function fakeCommands(fail?: unknown): PluginCommands & { calls: string[] } {
  const calls: string[] = [];
  const run = async (name: string, result?: CniResult) => {
    calls.push(name);
    if (fail) throw fail;
    return result;
  };
  return {
    calls,
    add: async (_c: NetConf, a: AttachmentArgs) => (await run(`ADD ${a.containerId}`, okResult))!,
    del: async () => { await run('DEL'); },
    check: async () => { await run('CHECK'); },
    gc: async (c: NetConf) => { await run(`GC ${c.validAttachments?.length}`); },
  };
}

async function invoke(env: NodeJS.ProcessEnv, stdin: string, commands = fakeCommands()) {
  let stdout = '';
  const io: PluginIo = { env, readStdin: async () => stdin, writeStdout: (t) => { stdout += t; } };
  const code = await runPlugin(io, commands);
  return { code, stdout, parsed: stdout ? JSON.parse(stdout) as Record<string, unknown> : undefined, calls: commands.calls };
}

describe('runPlugin', () => {
  it('answers VERSION in the caller\'s version with every supported one', async () => {
    const { code, parsed } = await invoke({ CNI_COMMAND: 'VERSION' }, '{"cniVersion":"1.0.0"}');
    expect(code).toBe(0);
    expect(parsed).toEqual({ cniVersion: '1.0.0', supportedVersions: ['1.0.0', '1.1.0'] });
    expect((await invoke({ CNI_COMMAND: 'VERSION' }, '')).parsed).toMatchObject({ cniVersion: '1.1.0' });
  });

  it('prints the ADD result and nothing for DEL, CHECK and GC', async () => {
    const add = await invoke({ CNI_COMMAND: 'ADD', ...attachmentEnv }, conf);
    expect([add.code, add.parsed, add.calls]).toEqual([0, okResult, ['ADD c1']]);
    for (const command of ['DEL', 'CHECK']) {
      const r = await invoke({ CNI_COMMAND: command, ...attachmentEnv }, conf);
      expect([r.code, r.stdout, r.calls]).toEqual([0, '', [command]]);
    }
    const gcConf = JSON.stringify({ ...JSON.parse(conf), 'cni.dev/valid-attachments': [{ containerID: 'c1', ifname: 'eth0' }] });
    const gc = await invoke({ CNI_COMMAND: 'GC' }, gcConf);
    expect([gc.code, gc.stdout, gc.calls]).toEqual([0, '', ['GC 1']]);
  });

  it.each([
    ['malformed stdin', { CNI_COMMAND: 'ADD', ...attachmentEnv }, '{', ErrorCode.DecodeFailure],
    ['an invalid config', { CNI_COMMAND: 'ADD', ...attachmentEnv }, conf.replace('10.244.1.0/24', '10.244.1.0/33'), ErrorCode.InvalidNetworkConfig],
    ['an unsupported version', { CNI_COMMAND: 'ADD', ...attachmentEnv }, conf.replace('1.0.0', '0.2.0'), ErrorCode.IncompatibleVersion],
    ['a missing variable', { CNI_COMMAND: 'ADD', CNI_IFNAME: 'eth0' }, conf, ErrorCode.InvalidEnvironment],
  ])('answers %s with the spec error object, exit 1, and no command run', async (_what, env, stdin, code) => {
    const r = await invoke(env, stdin);
    expect(r.code).toBe(1);
    expect(r.parsed).toMatchObject({ code, msg: expect.any(String) });
    expect(typeof r.parsed!['cniVersion']).toBe('string');
    expect(r.calls).toEqual([]);
  });

  it('passes a command\'s coded error through and reports unexpected ones as code 100', async () => {
    const coded = await invoke({ CNI_COMMAND: 'ADD', ...attachmentEnv }, conf, fakeCommands(new CniError(ErrorCode.TryAgainLater, 'busy', 'retry')));
    expect(coded.parsed).toEqual({ cniVersion: '1.0.0', code: 11, msg: 'busy', details: 'retry' });
    const crash = await invoke({ CNI_COMMAND: 'DEL', ...attachmentEnv }, conf, fakeCommands(new TypeError('boom')));
    expect(crash.code).toBe(1);
    expect(crash.parsed).toMatchObject({ code: 100, msg: 'internal error' });
  });
});
