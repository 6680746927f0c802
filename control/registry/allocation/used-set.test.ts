import { describe, expect, it } from '@jest/globals';
import { UsedSet, staticBandSize } from './used-set.js';

describe('UsedSet', () => {
  it('hands out every offset exactly once, the static band last, then reports full', () => {
    const set = new UsedSet(100, 16);
    const order: number[] = [];
    for (let o = set.take(); o !== undefined; o = set.take()) order.push(o);
    expect(new Set(order).size).toBe(100);
    expect(order.slice(0, 84).every((o) => o >= 16)).toBe(true);
    expect(order.slice(84).sort((a, b) => a - b)).toEqual([...Array(16).keys()]);
    expect(set.take()).toBeUndefined();
  });

  it('scans on from a random start past taken offsets, wrapping within the upper band', () => {
    const set = new UsedSet(40, 8);
    for (let o = 30; o < 40; o++) set.mark(o);
    expect(set.take(() => 0.99)).toBe(8); // start at 39: taken to the end, wrap to the band's start
    expect(set.take(() => 0.5)).toBe(24);
  });

  it('gives a cleared offset out again', () => {
    const set = new UsedSet(8, 0);
    for (let i = 0; i < 8; i++) set.take();
    set.clear(3);
    expect(set.has(3)).toBe(false);
    expect(set.take()).toBe(3);
  });

  it('sizes the static band as kube does', () => {
    expect(staticBandSize(2 ** 20 - 2, 16, 256, 16)).toBe(256);
    expect(staticBandSize(254, 16, 256, 16)).toBe(16);
    expect(staticBandSize(10, 16, 256, 16)).toBe(0);
  });
});
