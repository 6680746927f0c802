/**
 * The real machine as a node: capacity (CPUs, memory, the data dir's filesystem, 110 pods like the kubelet)
 * and identity (machine-id, boot id, kernel, OS, runc version), read once at start.
 */
import { execFile } from 'node:child_process';
import { readFile, statfs } from 'node:fs/promises';
import { cpus, networkInterfaces, release, totalmem } from 'node:os';
import { promisify } from 'node:util';
import type { ResourceList } from '../../api/types/core.js';
import { goArch, type NodeShape } from './node-object.js';

const run = promisify(execFile);
export const DEFAULT_MAX_PODS = 110;

const firstLine = async (path: string): Promise<string> => (await readFile(path, 'utf8').catch(() => '')).split('\n')[0].trim();

export async function machineCapacity(dataDir: string, maxPods = DEFAULT_MAX_PODS): Promise<ResourceList> {
  const fs = await statfs(dataDir);
  return {
    cpu: String(cpus().length),
    memory: `${Math.floor(totalmem() / 1024)}Ki`,
    'ephemeral-storage': `${Math.floor((fs.blocks * fs.bsize) / 1024)}Ki`,
    pods: String(maxPods),
  };
}

/** The first non-internal IPv4 address, else loopback. */
export function hostIPv4(): string {
  for (const list of Object.values(networkInterfaces())) {
    const found = list?.find((a) => a.family === 'IPv4' && !a.internal);
    if (found) return found.address;
  }
  return '127.0.0.1';
}

async function osImage(): Promise<string> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() => '');
  return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text)?.[1] ?? 'Linux';
}

async function runcVersion(runc: string): Promise<string> {
  const { stdout } = await run(runc, ['--version']).catch(() => ({ stdout: '' }));
  return /runc version (\S+)/.exec(stdout)?.[1] ?? 'unknown';
}

export interface MachineNodeOptions {
  name: string;
  dataDir: string;
  agentVersion: string;
  hostIP: string;
  labels?: Record<string, string>;
  runc?: string;
  maxPods?: number;
}

export async function machineNodeShape(opts: MachineNodeOptions): Promise<NodeShape> {
  const machineID = (await firstLine('/etc/machine-id')) || opts.name;
  const uuid = (await firstLine('/sys/class/dmi/id/product_uuid')) || machineID;
  return {
    name: opts.name,
    capacity: await machineCapacity(opts.dataDir, opts.maxPods),
    arch: goArch(process.arch),
    labels: opts.labels,
    internalIP: opts.hostIP,
    software: {
      machineID,
      systemUUID: uuid,
      bootID: await firstLine('/proc/sys/kernel/random/boot_id'),
      kernelVersion: release(),
      osImage: await osImage(),
      containerRuntimeVersion: `runc://${await runcVersion(opts.runc ?? 'runc')}`,
      agentVersion: opts.agentVersion,
    },
  };
}
