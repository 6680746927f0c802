import { describe, expect, it } from '@jest/globals';
import type { Probe } from '../../../api/types/core.js';
import type { ProbeRunner } from '../probes/probe-runner.js';
import { hookProbe, runHook } from './hooks.js';

describe('lifecycle hooks', () => {
  it('runs httpGet against the pod IP unless the hook names a host', () => {
    expect(hookProbe({ httpGet: { port: 80, path: '/hook' } }, '10.1.0.4', 30)).toEqual({ httpGet: { port: 80, path: '/hook', host: '10.1.0.4' }, timeoutSeconds: 30 });
    expect(hookProbe({ httpGet: { port: 80, host: 'example' } }, '10.1.0.4', 30)?.httpGet?.host).toBe('example');
    expect(hookProbe({ httpGet: { port: 80 } }, undefined, 30)?.httpGet?.host).toBe('127.0.0.1');
    expect(hookProbe({ exec: { command: ['true'] } }, undefined, 5)).toEqual({ exec: { command: ['true'] }, timeoutSeconds: 5 });
    expect(hookProbe({ exec: { command: [] } }, undefined, 5)).toBeUndefined();
  });

  it('hands the hook to the probe runner and reports its verdict', async () => {
    const seen: Probe[] = [];
    const run: ProbeRunner = async (probe) => { seen.push(probe); return { ok: false, message: 'exit code 3' }; };
    const target = { containerId: 'c1', netnsPath: '/run/netns/x', spec: { name: 'main' } };
    expect(await runHook(run, { exec: { command: ['sh', '-c', 'exit 3'] } }, target, 10)).toEqual({ ok: false, message: 'exit code 3' });
    expect(await runHook(run, {}, target, 10)).toEqual({ ok: true, message: '' });
    expect(seen).toHaveLength(1);
  });
});
