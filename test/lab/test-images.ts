import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DistributionClient } from '../../agent/images/distribution-client.js';
import type { Platform } from '../../agent/images/manifest.js';
import type { RegistryCredentials } from '../../agent/images/registry-auth.js';
import { busyboxImage, busyboxLayer, PATH_ENV } from '../../agent/images/busybox-image.js';
import { buildImage, buildLayer, pushImage, pushIndex, type BuiltImage, type BuiltLayer } from '../../agent/images/oci-image-builder.js';

/**
 * Cairn's test images, built from Debian's busybox-static with nothing downloaded:
 *   cairn/busybox:1          a shell and the busybox applets (OCI manifest)
 *   cairn/busybox-docker:1   the same filesystem as a Docker schema-2 image
 *   cairn/test-server:1      busybox + /bin/cairn-test-server (see cairn-test-server.sh for its env vars),
 *                            as an OCI index with linux/amd64 and a linux/arm64 entry (the same amd64
 *                            files, labelled arm64) so that platform selection is exercised.
 */

const TEST_SERVER_SCRIPT = fileURLToPath(new URL('../../../test/lab/cairn-test-server.sh', import.meta.url));
export const TEST_SERVER_PORT = 8080;

export function testServerLayer(): BuiltLayer {
  return buildLayer([
    { path: 'bin', type: 'dir' },
    { path: 'bin/cairn-test-server', type: 'file', content: readFileSync(TEST_SERVER_SCRIPT), mode: 0o755 },
  ]);
}

export function testServerImage(platform: Platform = { os: 'linux', architecture: 'amd64' }): BuiltImage {
  return buildImage([busyboxLayer(), testServerLayer()], {
    Env: [PATH_ENV],
    Entrypoint: ['/bin/cairn-test-server'],
    ExposedPorts: { [`${TEST_SERVER_PORT}/tcp`]: {} },
    StopSignal: 'SIGTERM',
  }, { platform });
}

export interface TestImageRefs {
  busybox: string;
  busyboxDocker: string;
  testServer: string;
}

/** Pushes the test images to the registry at `host` (`127.0.0.1:PORT`); returns their references. */
export async function pushTestImages(client: DistributionClient, host: string, credentials?: RegistryCredentials): Promise<TestImageRefs> {
  const refs = {
    busybox: `${host}/cairn/busybox:1`,
    busyboxDocker: `${host}/cairn/busybox-docker:1`,
    testServer: `${host}/cairn/test-server:1`,
  };
  await pushImage(client, refs.busybox, busyboxImage(), credentials);
  await pushImage(client, refs.busyboxDocker, busyboxImage('docker'), credentials);
  await pushIndex(client, refs.testServer, [testServerImage({ os: 'linux', architecture: 'arm64' }), testServerImage()], credentials);
  return refs;
}
