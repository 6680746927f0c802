/**
 * The plugin's process contract: read CNI_* and stdin, dispatch one command, print the result or the
 * spec's error object, return the exit code. Environment and stdio are injected, so the whole contract is
 * testable without spawning a process.
 */
import { CommandError } from './command.js';
import { type NetConf, decodeJson, parseNetConf } from './net-conf.js';
import { type AttachmentArgs, parseEnv } from './plugin-env.js';
import {
  CniError, type CniResult, type ErrorResult, ErrorCode, LATEST_VERSION, SUPPORTED_VERSIONS, type VersionResult, isSupportedVersion,
} from './spec.js';

/**
 * A plugin's commands. Each rejects with a {@link CniError} (other errors are reported as code 100);
 * `del` and `gc` must succeed when what they would remove is already gone.
 */
export interface PluginCommands {
  add(conf: NetConf, att: AttachmentArgs): Promise<CniResult>;
  del(conf: NetConf, att: AttachmentArgs): Promise<void>;
  /** Rejects when the attachment differs from `conf.prevResult`. */
  check(conf: NetConf, att: AttachmentArgs): Promise<void>;
  /** Releases everything not in `conf.validAttachments`. */
  gc(conf: NetConf): Promise<void>;
}

export interface PluginIo {
  env: NodeJS.ProcessEnv;
  readStdin(): Promise<string>;
  writeStdout(text: string): void;
}

function toCniError(err: unknown): CniError {
  if (err instanceof CniError) return err;
  if (err instanceof CommandError) return new CniError(ErrorCode.LinkFailure, 'a kernel operation failed', err.message);
  return new CniError(ErrorCode.LinkFailure, 'internal error', (err as Error)?.stack ?? String(err));
}

/** The version to answer in: the caller's if this plugin speaks it, else the latest. */
function replyVersion(stdin: string): string {
  try {
    const version = (JSON.parse(stdin) as { cniVersion?: unknown }).cniVersion;
    return typeof version === 'string' && isSupportedVersion(version) ? version : LATEST_VERSION;
  } catch {
    return LATEST_VERSION;
  }
}

async function dispatch(io: PluginIo, commands: PluginCommands, stdin: string): Promise<object | undefined> {
  const invocation = parseEnv(io.env);
  if (invocation.command === 'VERSION') {
    if (stdin.trim()) decodeJson(stdin);
    return { cniVersion: replyVersion(stdin), supportedVersions: [...SUPPORTED_VERSIONS] } satisfies VersionResult;
  }
  const conf = parseNetConf(stdin);
  switch (invocation.command) {
    case 'ADD': return commands.add(conf, invocation);
    case 'DEL': await commands.del(conf, invocation); break;
    case 'CHECK': await commands.check(conf, invocation); break;
    case 'GC': await commands.gc(conf); break;
    case 'STATUS': break; // a valid config is all this plugin needs to accept ADDs
  }
  return undefined;
}

/** Runs one invocation; resolves with the process exit code (0 success, 1 with an error object on stdout). */
export async function runPlugin(io: PluginIo, commands: PluginCommands): Promise<number> {
  let stdin = '';
  try {
    stdin = await io.readStdin();
    const result = await dispatch(io, commands, stdin);
    if (result !== undefined) io.writeStdout(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (err) {
    const e = toCniError(err);
    const reply: ErrorResult = { cniVersion: replyVersion(stdin), code: e.code, msg: e.msg, ...(e.details ? { details: e.details } : {}) };
    io.writeStdout(`${JSON.stringify(reply)}\n`);
    return 1;
  }
}
