import { describe, it, expect } from '@jest/globals';
import { alignCells } from './tabwriter.js';

describe('alignCells (Go tabwriter semantics)', () => {
  it('aligns a column across consecutive lines that have it, with the given padding', () => {
    expect(alignCells([['Name:', 'web'], ['Namespace:', 'shop']], 2)).toEqual(['Name:       web', 'Namespace:  shop']);
  });

  it('starts a new alignment block after a line without tabs', () => {
    const out = alignCells([['Name:', 'web'], ['Containers:'], ['  app:'], ['    Image:', 'nginx'], ['    Restart Count:', '0']], 2);
    expect(out).toEqual(['Name:  web', 'Containers:', '  app:', '    Image:          nginx', '    Restart Count:  0']);
  });

  it('aligns deeper columns only among lines that reach them', () => {
    const out = alignCells([['Port:', 'http', '80/TCP'], ['TargetPort:', '8080/TCP'], ['NodePort:', 'http', '30080/TCP']], 2);
    expect(out).toEqual(['Port:        http  80/TCP', 'TargetPort:  8080/TCP', 'NodePort:    http  30080/TCP']);
  });
});
