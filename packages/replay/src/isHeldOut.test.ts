import { describe, expect, it } from 'vitest';
import { isHeldOut } from './isHeldOut.js';

describe('isHeldOut', () => {
  it('holds out close to the configured share of ids, the same ones every time', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => i + 1);
    for (const f of [0.1, 0.2, 0.5]) {
      const held = ids.filter((id) => isHeldOut(id, 7, f)).length / ids.length;
      expect(Math.abs(held - f)).toBeLessThan(0.015);
    }
    expect(ids.filter((id) => isHeldOut(id, 7, 0.2))).toEqual(ids.filter((id) => isHeldOut(id, 7, 0.2)));
  });

  it('is nested in the fraction, depends on the seed, and holds nothing out at 0', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => i + 1);
    const small = ids.filter((id) => isHeldOut(id, 3, 0.1));
    expect(small.every((id) => isHeldOut(id, 3, 0.3))).toBe(true);
    expect(ids.filter((id) => isHeldOut(id, 4, 0.1))).not.toEqual(small);
    expect(ids.some((id) => isHeldOut(id, 3, 0))).toBe(false);
  });
});
