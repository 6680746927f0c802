/** The `CNI_*` environment of one plugin invocation, validated per command (spec "Parameters"). */
import { IDENTIFIER, interfaceNameProblem } from './names.js';
import { CniError, ErrorCode } from './spec.js';

export const COMMANDS = ['ADD', 'DEL', 'CHECK', 'VERSION', 'GC', 'STATUS'] as const;
export type Command = (typeof COMMANDS)[number];

/** ADD, DEL and CHECK act on one attachment; the other commands act on the whole network. */
export interface AttachmentArgs {
  containerId: string;
  /** Undefined only on DEL (the namespace may already be gone). */
  netns?: string;
  ifName: string;
  /** CNI_ARGS as key/value pairs. */
  args: Record<string, string>;
}

export type Invocation =
  | ({ command: 'ADD' | 'DEL' | 'CHECK' } & AttachmentArgs)
  | { command: 'VERSION' | 'GC' | 'STATUS' };

function invalidEnv(name: string, problem: string): CniError {
  return new CniError(ErrorCode.InvalidEnvironment, `invalid environment variable ${name}`, problem);
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw invalidEnv(name, 'is not set; the runtime must pass it');
  return value;
}

/** Parses `K1=V1;K2=V2`; empty is no arguments. */
export function parseCniArgs(text: string | undefined): Record<string, string> {
  const args: Record<string, string> = {};
  for (const pair of (text ?? '').split(';').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw invalidEnv('CNI_ARGS', `"${pair}" is not KEY=VALUE (pairs are separated by ";")`);
    args[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return args;
}

/** Throws a code-4 {@link CniError} naming the variable when something the command needs is missing or malformed. */
export function parseEnv(env: NodeJS.ProcessEnv): Invocation {
  const command = required(env, 'CNI_COMMAND');
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw invalidEnv('CNI_COMMAND', `"${command}" is not one of ${COMMANDS.join(', ')}`);
  }
  if (command === 'VERSION' || command === 'GC' || command === 'STATUS') return { command };
  const containerId = required(env, 'CNI_CONTAINERID');
  if (!IDENTIFIER.test(containerId)) {
    throw invalidEnv('CNI_CONTAINERID', `"${containerId}" must start with a letter or digit and hold only letters, digits, "_", "." or "-"`);
  }
  const ifName = required(env, 'CNI_IFNAME');
  const ifProblem = interfaceNameProblem(ifName);
  if (ifProblem) throw invalidEnv('CNI_IFNAME', ifProblem);
  const netns = command === 'DEL' ? env['CNI_NETNS'] || undefined : required(env, 'CNI_NETNS');
  return { command: command as 'ADD' | 'DEL' | 'CHECK', containerId, netns, ifName, args: parseCniArgs(env['CNI_ARGS']) };
}
