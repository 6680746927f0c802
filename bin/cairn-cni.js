#!/usr/bin/env node
// The CNI plugin executable (install or link it as `cairn-cni` in a CNI bin dir); `npm run build` produces it.
import '../dist/dataplane/cni/main.js';
