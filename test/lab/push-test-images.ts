import { DistributionClient } from '../../agent/images/distribution-client.js';
import { pushTestImages } from './test-images.js';

/** `node dist/test/lab/push-test-images.js HOST:PORT`: pushes Cairn's test images to a registry and prints their references. */
const host = process.argv[2];
if (!host) {
  process.stderr.write('usage: push-test-images.js REGISTRY_HOST:PORT\n');
  process.exit(2);
}
const refs = await pushTestImages(new DistributionClient(), host);
process.stdout.write(`${Object.values(refs).join('\n')}\n`);
