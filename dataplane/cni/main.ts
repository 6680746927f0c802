/** The `cairn-cni` executable: the real process, the real kernel tools, the bridge plugin. */
import { bridgePlugin } from './bridge-plugin.js';
import { execRunner } from './command.js';
import { Links } from './links.js';
import { runPlugin } from './skel.js';
import { processIo } from './process-io.js';

process.exitCode = await runPlugin(processIo(), bridgePlugin(new Links(execRunner)));
