/**
 * A busybox image built on this machine from Debian's busybox-static, nothing downloaded: the base of the test
 * images and the image `cairn up` seeds its local registry with, so the example app runs offline.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { buildImage, buildLayer, type BuiltImage, type BuiltLayer, type LayerEntry } from './oci-image-builder.js';

export const BUSYBOX_BINARY = '/bin/busybox';
export const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

let busyboxLayerCache: BuiltLayer | undefined;

/** The base layer: a minimal root with /bin/busybox and a symlink per applet (so /bin/sh works). */
export function busyboxLayer(): BuiltLayer {
  if (busyboxLayerCache) return busyboxLayerCache;
  const applets = execFileSync(BUSYBOX_BINARY, ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'busybox').sort();
  const entries: LayerEntry[] = [
    ...['bin', 'dev', 'etc', 'proc', 'root', 'sys', 'usr', 'usr/bin', 'var'].map((path) => ({ path, type: 'dir' as const })),
    { path: 'tmp', type: 'dir', mode: 0o1777 },
    { path: 'bin/busybox', type: 'file', content: readFileSync(BUSYBOX_BINARY), mode: 0o755 },
    ...applets.map((a) => ({ path: `bin/${a}`, type: 'symlink' as const, target: 'busybox' })),
    { path: 'etc/passwd', type: 'file', content: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' },
    { path: 'etc/group', type: 'file', content: 'root:x:0:\nnogroup:x:65534:\n' },
  ];
  busyboxLayerCache = buildLayer(entries);
  return busyboxLayerCache;
}

export function busyboxImage(format: 'oci' | 'docker' = 'oci'): BuiltImage {
  return buildImage([busyboxLayer()], { Env: [PATH_ENV], Cmd: ['sh'] }, { format });
}
