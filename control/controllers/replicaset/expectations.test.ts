import { describe, expect, it } from '@jest/globals';
import { Expectations } from './expectations.js';

describe('Expectations', () => {
  it('holds an owner back until every expected creation is observed', () => {
    const e = new Expectations();
    expect(e.satisfied('ns/rs')).toBe(true);
    e.expectCreations('ns/rs', 2);
    e.creationObserved('ns/rs');
    expect(e.satisfied('ns/rs')).toBe(false);
    e.creationObserved('ns/rs');
    expect(e.satisfied('ns/rs')).toBe(true);
  });

  it('tracks deletions by pod key, counting each pod once', () => {
    const e = new Expectations();
    e.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
    e.deletionObserved('ns/rs', 'ns/a');
    e.deletionObserved('ns/rs', 'ns/a');
    e.deletionObserved('ns/rs', 'ns/other');
    expect(e.satisfied('ns/rs')).toBe(false);
    e.deletionObserved('ns/rs', 'ns/b');
    expect(e.satisfied('ns/rs')).toBe(true);
  });

  it('expires an expectation that is never met', () => {
    let now = 0;
    const e = new Expectations(() => now, 1000);
    e.expectCreations('ns/rs', 1);
    now = 1000;
    expect(e.satisfied('ns/rs')).toBe(false);
    now = 1001;
    expect(e.satisfied('ns/rs')).toBe(true);
  });

  it('forgets a deleted owner', () => {
    const e = new Expectations();
    e.expectCreations('ns/rs', 3);
    e.delete('ns/rs');
    expect(e.satisfied('ns/rs')).toBe(true);
  });
});
