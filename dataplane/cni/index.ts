/** What the rest of Cairn uses of CNI: the runtime-side invoker and the node's network list. */
export { CniInvoker, toPodNetwork } from './invoker.js';
export type { AttachmentId, AttachmentRef, CniInvokerOptions, DelRef, PodNetwork } from './invoker.js';
export { loadNetworkConfig, nodeCniConfig, writeNodeCniConfig, NODE_CONF_FILE, NODE_NETWORK_NAME, PLUGIN_TYPE } from './conflist.js';
export type { NetworkConfigList, NodeCniOptions, PluginConf } from './conflist.js';
export { CniError, ErrorCode, SUPPORTED_VERSIONS } from './spec.js';
export type { CniResult } from './spec.js';
