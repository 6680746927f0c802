/**
 * The runc runtime against the real runc, kernel cgroups and network namespaces, with a busybox rootfs.
 * Every container id, netns, cgroup and directory carries this run's prefix; a crashed run's leftovers are
 * reaped first.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, readlink, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LineJoiner, parseCriEntry } from '../../agent/logs/cri-entries.js';
import { cgroupDir, detectCgroupMode, CGROUP_ROOT, type CgroupMode } from '../../agent/runtime/runc/cgroups.js';
import { containerResources } from '../../agent/runtime/runc/resources.js';
import { RuncRuntime, type RuncRuntimeOptions } from '../../agent/runtime/runc/runc-runtime.js';
import type { ContainerConfig, ContainerStatus } from '../../agent/runtime/runtime.js';
import { buildBusyboxRootfs } from '../lab/busybox-rootfs.js';
import { alive, isStaleTestName, reapStaleTestDirs } from '../harness/reap.js';
import { waitFor } from '../harness/wait.js';

const run = promisify(execFile);

/** Kills and removes what a crashed run left in the kernel: runc containers, cgroups, network namespaces. */
async function reapStaleRuncRuns(): Promise<void> {
  for (const name of (await readdir(tmpdir())).filter(isStaleTestName)) {
    const root = join(tmpdir(), name, 'state', 'runc');
    const listed = await run('runc', ['--root', root, 'list', '-q']).catch(() => ({ stdout: '' }));
    for (const id of listed.stdout.split('\n').filter(Boolean)) await run('runc', ['--root', root, 'delete', '--force', id]).catch(() => undefined);
  }
  const cgroupParents = [CGROUP_ROOT, ...(await readdir(CGROUP_ROOT)).map((c) => join(CGROUP_ROOT, c))];
  for (const parent of cgroupParents) {
    for (const name of (await readdir(parent).catch(() => [] as string[])).filter(isStaleTestName)) {
      const dir = join(parent, name);
      for (const child of await readdir(dir, { withFileTypes: true })) {
        if (!child.isDirectory()) continue;
        const procs = await readFile(join(dir, child.name, 'cgroup.procs'), 'utf8').catch(() => '');
        for (const pid of procs.split('\n').filter(Boolean)) { try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ } }
        await waitFor('stale cgroup to empty', async () => rmdir(join(dir, child.name)).then(() => true, () => false)).catch(() => undefined);
      }
      await rmdir(dir).catch(() => undefined);
    }
  }
  const netns = (await run('ip', ['netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]).filter((n) => n && isStaleTestName(n));
  for (const name of netns) await run('ip', ['netns', 'delete', name]).catch(() => undefined);
}

interface CriLine { time: string; stream: string; tag: string; text: string }
async function readCriLog(path: string): Promise<CriLine[]> {
  const content = await readFile(path, 'utf8').catch(() => '');
  return content.split('\n').filter(Boolean).map((line) => {
    const [time, stream, tag, ...rest] = line.split(' ');
    return { time, stream, tag, text: rest.join(' ') };
  });
}
/** The stream's lines as a reader sees them: a P(artial) entry (conmon writes one per read) joins the next. */
async function logText(status: ContainerStatus, stream = 'stdout'): Promise<string[]> {
  const joiner = new LineJoiner();
  const lines: string[] = [];
  for (const raw of (await readFile(status.logPath).catch(() => Buffer.alloc(0))).toString().split('\n').filter(Boolean)) {
    const entry = parseCriEntry(Buffer.from(raw));
    const line = entry?.stream === stream ? joiner.push(entry) : undefined;
    if (line) lines.push(line.text.toString());
  }
  return lines;
}

const prefix = `cairn-test-${process.pid}-runc-${Math.random().toString(36).slice(2, 7)}`;
const dir = join(tmpdir(), prefix);
const POD = 'pod1';
let options: RuncRuntimeOptions;
let runtime: RuncRuntime;
let rootfs: string;
let mode: CgroupMode;
let seq = 0;

function config(args: string[], extra: Partial<ContainerConfig> = {}): ContainerConfig {
  const name = `c${seq++}`;
  return { id: `${prefix}-${name}`, podId: POD, name, attempt: 0, rootfs, args, ...extra };
}

async function runToExit(c: ContainerConfig, rt = runtime): Promise<ContainerStatus> {
  await rt.createContainer(c);
  await rt.startContainer(c.id);
  return waitFor(`${c.id} to exit`, async () => {
    const status = await rt.containerStatus(c.id);
    return status?.state === 'exited' && status;
  }, 30_000);
}

beforeAll(async () => {
  await reapStaleRuncRuns();
  await reapStaleTestDirs();
  mode = await detectCgroupMode();
  rootfs = await buildBusyboxRootfs(join(dir, 'rootfs'));
  options = { stateDir: join(dir, 'state'), cgroupParent: `/${prefix}`, netnsPrefix: `${prefix}-` };
  runtime = await RuncRuntime.open(options);
  await runtime.runPodSandbox(POD);
}, 60_000);

afterAll(async () => {
  for (const c of await runtime.listContainers().catch(() => [])) await runtime.removeContainer(c.id).catch(() => undefined);
  for (const s of await runtime.listPodSandboxes().catch(() => [])) await runtime.removePodSandbox(s.podId).catch(() => undefined);
  await reapStaleRuncRuns(); // our pid is alive, so this only covers other runs; our cgroup parents go below
  const parents = mode === 'v2' ? [CGROUP_ROOT] : (await readdir(CGROUP_ROOT)).map((c) => join(CGROUP_ROOT, c));
  for (const parent of parents) await rmdir(join(parent, prefix)).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('runc runtime', () => {
  it('runs args with env, hostname, user and mounts, and reports the exit code', async () => {
    const data = join(dir, 'data');
    await mkdir(data, { recursive: true });
    await writeFile(join(data, 'file'), 'from the host');
    const status = await runToExit(config(
      ['sh', '-c', 'echo "$GREETING $1"; hostname; id -u; cat /data/file; echo; touch /data/x || echo ro-ok; echo oops >&2; exit 3', 'sh', 'world'],
      { env: ['GREETING=hello'], hostname: 'web-0', user: { uid: 65534, gid: 65534 }, mounts: [{ hostPath: data, containerPath: '/data', readOnly: true }] },
    ));
    expect(status).toMatchObject({ state: 'exited', exitCode: 3, reason: 'Error', podId: POD });
    expect(Date.parse(status.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(status.startedAt!));
    expect(await logText(status)).toEqual(['hello world', 'web-0', '65534', 'from the host', 'ro-ok']);
    expect(await logText(status, 'stderr')).toContain('oops');
    for (const line of await readCriLog(status.logPath)) {
      expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(Z|[+-]\d\d:\d\d)$/); // conmon writes the offset: +00:00
      expect(['F', 'P']).toContain(line.tag);
    }
  });

  it('keeps state and bundle files (env with Secret values) readable by root only', async () => {
    const c = config(['true'], { env: ['TOKEN=s3cret'] });
    await runtime.createContainer(c);
    const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;
    expect(await modeOf(options.stateDir)).toBe(0o700);
    for (const file of ['config.json', 'meta.json']) expect(await modeOf(join(options.stateDir, 'containers', c.id, file))).toBe(0o600);
    await runtime.removeContainer(c.id);
  });

  it('reports Completed for exit 0 and StartError for a missing executable', async () => {
    expect(await runToExit(config(['true']))).toMatchObject({ exitCode: 0, reason: 'Completed' });
    const failed = await runToExit(config(['no-such-binary']));
    expect(failed).toMatchObject({ state: 'exited', reason: 'StartError', exitCode: 128 });
    expect(failed.message).toContain('no-such-binary');
  });

  it('reports OOMKilled when the memory limit is exceeded', async () => {
    const status = await runToExit(config(
      ['sh', '-c', 'x=$(head -c 200000000 /dev/zero | tr "\\0" a); echo survived'],
      { resources: { memoryLimitBytes: 16 * 1024 * 1024 } },
    ));
    expect(status).toMatchObject({ state: 'exited', reason: 'OOMKilled', exitCode: 137 });
    expect(await logText(status)).not.toContain('survived');
  });

  it('writes cpu, memory and pids limits into the cgroup and joins the pod network namespace', async () => {
    const resources = containerResources({ requests: { cpu: '250m' }, limits: { cpu: '500m', memory: '64Mi' } }, 50);
    const c = config(['sleep', '60'], { resources });
    await runtime.createContainer(c);
    const status = await runtime.startContainer(c.id);
    expect(status.state).toBe('running');
    const cgroupsPath = `/${prefix}/${c.id}`;
    const read = (controller: string, file: string) => readFile(join(cgroupDir(mode, controller, cgroupsPath), file), 'utf8').then((s) => s.trim());
    if (mode === 'v1') {
      expect(await read('cpu', 'cpu.shares')).toBe('256');
      expect(await read('cpu', 'cpu.cfs_quota_us')).toBe('50000');
      expect(await read('cpu', 'cpu.cfs_period_us')).toBe('100000');
      expect(await read('memory', 'memory.limit_in_bytes')).toBe(String(64 * 1024 * 1024));
    } else {
      expect(await read('cpu', 'cpu.max')).toBe('50000 100000');
      expect(await read('memory', 'memory.max')).toBe(String(64 * 1024 * 1024));
    }
    expect(await read('pids', 'pids.max')).toBe('50');
    const sandbox = (await runtime.listPodSandboxes()).find((s) => s.podId === POD)!;
    expect(await readlink(`/proc/${status.pid}/ns/net`)).toBe(`net:[${(await stat(sandbox.netnsPath)).ino}]`);
    const links = await runtime.exec(c.id, ['ip', '-o', 'link']);
    expect(links.stdout).toMatch(/^1: lo: <LOOPBACK,UP,LOWER_UP>/);
    await runtime.removeContainer(c.id);
    await expect(stat(cgroupDir(mode, 'memory', cgroupsPath))).rejects.toThrow();
  });

  it('kills a container whose conmon died and reports it ended then, so it never runs twice', async () => {
    const c = config(['sleep', '600']);
    await runtime.createContainer(c);
    const started = await runtime.startContainer(c.id);
    const conmonPid = Number(await readFile(join(options.stateDir, 'containers', c.id, 'conmon.pid'), 'utf8'));
    const killedAt = Date.now();
    process.kill(conmonPid, 'SIGKILL');
    await waitFor('conmon gone', async () => !alive(conmonPid));
    const status = await runtime.containerStatus(c.id);
    expect(status).toMatchObject({ state: 'exited', exitCode: 137, reason: 'ContainerStatusUnknown' });
    expect(Date.parse(status!.finishedAt!)).toBeGreaterThanOrEqual(Math.max(killedAt, Date.parse(started.startedAt!)));
    const state = await run('runc', ['--root', join(options.stateDir, 'runc'), 'state', c.id]).then((r) => JSON.parse(r.stdout).status as string, () => 'gone');
    expect(['stopped', 'gone']).toContain(state);
    expect(await runtime.containerStatus(c.id)).toEqual(status); // recorded once
    await runtime.removeContainer(c.id);
  });

  it('stops gracefully on SIGTERM, and SIGKILLs a process that ignores it after the grace period', async () => {
    const polite = config(['sh', '-c', 'trap "echo bye; exit 0" TERM; echo ready; while true; do sleep 0.1; done']);
    await runtime.createContainer(polite);
    await runtime.startContainer(polite.id);
    await waitFor('polite ready', async () => (await logText((await runtime.containerStatus(polite.id))!)).includes('ready'));
    let started = Date.now();
    const stopped = await runtime.stopContainer(polite.id, 10);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(stopped).toMatchObject({ state: 'exited', exitCode: 0, reason: 'Completed' });
    expect(await logText(stopped)).toContain('bye');

    // pid 1 in a pid namespace ignores signals it has no handler for, so plain sleep ignores SIGTERM.
    const stubborn = config(['sleep', '600']);
    await runtime.createContainer(stubborn);
    await runtime.startContainer(stubborn.id);
    started = Date.now();
    const killed = await runtime.stopContainer(stubborn.id, 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(killed).toMatchObject({ state: 'exited', exitCode: 137, reason: 'Error' });
  });

  it('execs commands with output, exit code, the container env, and a timeout', async () => {
    const c = config(['sleep', '600'], { env: ['GREETING=hi'] });
    await runtime.createContainer(c);
    await runtime.startContainer(c.id);
    expect(await runtime.exec(c.id, ['sh', '-c', 'echo "$GREETING"; echo err >&2; exit 4']))
      .toEqual({ exitCode: 4, stdout: 'hi\n', stderr: 'err\n', timedOut: false });
    const started = Date.now();
    const slow = await runtime.exec(c.id, ['sleep', '30'], { timeoutMs: 300 });
    expect(slow.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
    const ps = await runtime.exec(c.id, ['ps', '-o', 'args']);
    expect(ps.stdout).not.toContain('sleep 30'); // the timed-out command itself was killed
    await runtime.stopContainer(c.id, 0);
    await expect(runtime.exec(c.id, ['true'])).rejects.toThrow(/not running/);
  });

  it('rotates a running container\'s log by size, keeping maxFiles files and every line in them', async () => {
    const small = await RuncRuntime.open({ ...options, stateDir: join(dir, 'state-rotate'), logMaxBytes: 2000, logMaxFiles: 3 });
    const c = config(['sh', '-c', 'i=1; while true; do echo "line $i padding padding padding"; i=$((i+1)); sleep 0.01; done']);
    await small.createContainer(c);
    const { logPath } = await small.startContainer(c.id);
    const logDir = join(logPath, '..');
    // Four rotations: the first two rotated files have been dropped by then.
    for (let i = 0; i < 4; i++) {
      await waitFor('the log to reach logMaxBytes', async () => ((await stat(logPath).catch(() => undefined))?.size ?? 0) >= 2000, 30_000);
      await small.rotateLogs();
    }
    await waitFor('conmon to write the reopened log', async () => (await readCriLog(logPath)).length > 2);
    const status = await small.stopContainer(c.id, 0);
    expect((await readdir(logDir)).sort()).toEqual(['0.log', '0.log.1', '0.log.2']);
    for (const f of ['0.log.1', '0.log.2']) expect((await stat(join(logDir, f))).size).toBeGreaterThanOrEqual(2000);
    const lines = [...await readCriLog(`${status.logPath}.2`), ...await readCriLog(`${status.logPath}.1`), ...await readCriLog(status.logPath)];
    const numbers = lines.map((l) => Number(l.text.split(' ')[1]));
    expect(numbers[0]).toBeGreaterThan(1); // the oldest files are gone
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0] + i)); // contiguous: nothing lost across rotations
    expect(lines.map((l) => l.time)).toEqual(lines.map((l) => l.time).sort());
    await small.rotateLogs(); // an exited container's log is left alone
    expect((await readdir(logDir)).sort()).toEqual(['0.log', '0.log.1', '0.log.2']);
    await small.removeContainer(status.id);
    expect(await readdir(logDir)).toEqual([]);
  });

  it('keeps containers running when the agent exits, and a new instance adopts them', async () => {
    const c = config(['sh', '-c', 'i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 0.1; done']);
    const agentUrl = new URL('../../agent/runtime/runc/runc-runtime.js', import.meta.url).href;
    // A separate agent process creates and starts the container, then exits.
    const script = `
      const { RuncRuntime } = await import(${JSON.stringify(agentUrl)});
      const rt = await RuncRuntime.open(${JSON.stringify(options)});
      await rt.createContainer(${JSON.stringify(c)});
      console.log(JSON.stringify(await rt.startContainer(${JSON.stringify(c.id)})));`;
    const first = JSON.parse((await run(process.execPath, ['--input-type=module', '-e', script])).stdout) as ContainerStatus;
    expect(first.state).toBe('running');

    const adopted = await RuncRuntime.open(options);
    const listed = (await adopted.listContainers({ podId: POD })).find((s) => s.id === c.id);
    expect(listed).toMatchObject({ state: 'running', pid: first.pid, startedAt: first.startedAt, name: c.name });
    expect(alive(first.pid!)).toBe(true);
    const ticks = (await logText(listed!)).length;
    await waitFor('logging to continue after the agent exited', async () => (await logText(listed!)).length > ticks + 3);
    // conmon outlived its agent too: the exit is still recorded.
    expect(await adopted.stopContainer(c.id, 0)).toMatchObject({ state: 'exited', exitCode: 137 });
    expect(alive(first.pid!)).toBe(false);
  });

  it('removes containers and the pod sandbox completely', async () => {
    const c = config(['sleep', '600']);
    await runtime.createContainer(c);
    await expect(runtime.createContainer(c)).rejects.toThrow(/already exists/);
    expect((await runtime.containerStatus(c.id))?.state).toBe('created');
    await runtime.startContainer(c.id);
    await runtime.removeContainer(c.id); // running: killed first
    expect(await runtime.containerStatus(c.id)).toBeUndefined();
    expect((await run('runc', ['--root', join(options.stateDir, 'runc'), 'list', '-q'])).stdout).not.toContain(c.id);
    await runtime.removeContainer(c.id); // idempotent

    await runtime.runPodSandbox('pod2');
    expect((await runtime.runPodSandbox('pod2')).netnsPath).toBe(`/run/netns/${prefix}-pod2`); // idempotent
    await expect(runtime.createContainer(config(['true'], { podId: 'nope' }))).rejects.toThrow(/sandbox nope/);
    await runtime.removePodSandbox('pod2');
    expect((await runtime.listPodSandboxes()).map((s) => s.podId)).toEqual([POD]);
    await runtime.removePodSandbox('pod2');
  });
});
